namespace ChunkedBuild.Core.Tests.Conformance;

/// <summary>Which refcheck subcommand (and flags) judges a format's blobs.</summary>
public enum RefCheckMode
{
    /// <summary><c>refcheck zstdchunked … --lenient-chunk-digests</c> with the containers/storage annotations.</summary>
    ZstdChunked,
    /// <summary><c>refcheck estargz</c> with the TOC digest and uncompressed size.</summary>
    EStargz,
}
