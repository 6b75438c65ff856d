namespace ChunkedBuild.Core.Tests.Formats.Conformance;

/// <summary>Which oracle command (and flags) judges a format's blobs.</summary>
public enum RefCheckMode
{
    /// <summary><c>chunkedoracle zstdchunked … --lenient-chunk-digests</c> with the containers/storage annotations.</summary>
    ZstdChunked,
    /// <summary><c>chunkedoracle estargz</c> with the TOC digest and uncompressed size.</summary>
    EStargz,
}
