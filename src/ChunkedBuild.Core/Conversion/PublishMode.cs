namespace ChunkedBuild.Core.Conversion;

/// <summary>How the variants of an image are published.</summary>
public enum PublishMode
{
    /// <summary>One OCI index per tag holding, per platform, the gzip-compatible manifests first and the zstd:chunked one last.</summary>
    Index,

    /// <summary>One tag per variant: <c>&lt;tag&gt;-estargz</c>, <c>&lt;tag&gt;-zstdchunked</c>, and <c>&lt;tag&gt;</c> for the original.</summary>
    Tags,
}
