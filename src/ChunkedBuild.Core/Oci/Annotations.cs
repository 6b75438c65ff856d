namespace ChunkedBuild.Core.Oci;

/// <summary>Annotation keys the lazy-pull readers look for on layer descriptors (docs/formats.md §1.9, §3.6).</summary>
public static class Annotations
{
    /// <summary>zstd:chunked: sha256 of the compressed TOC bytes (the TOC digest containers/storage trusts).</summary>
    public const string ZstdChunkedManifestChecksum = "io.github.containers.zstd-chunked.manifest-checksum";
    /// <summary>zstd:chunked: <c>offset:compressedLength:uncompressedLength:1</c> of the TOC payload.</summary>
    public const string ZstdChunkedManifestPosition = "io.github.containers.zstd-chunked.manifest-position";
    /// <summary>zstd:chunked: <c>offset:compressedLength:uncompressedLength</c> of the tar-split payload.</summary>
    public const string ZstdChunkedTarSplitPosition = "io.github.containers.zstd-chunked.tarsplit-position";
    /// <summary>eStargz: sha256 of the uncompressed TOC JSON (stargz.index.json).</summary>
    public const string EStargzTocDigest = "containerd.io/snapshot/stargz/toc.digest";
    /// <summary>eStargz: decimal length of the decompressed blob.</summary>
    public const string EStargzUncompressedSize = "io.containers.estargz.uncompressed-size";
    /// <summary>Index manifest descriptor marker for zstd instances (containers/image).</summary>
    public const string CompressionZstd = "io.github.containers.compression.zstd";
}
