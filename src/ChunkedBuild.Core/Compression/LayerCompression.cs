namespace ChunkedBuild.Core.Compression;

/// <summary>The compression of a layer blob as found by its magic bytes.</summary>
public enum LayerCompression
{
    /// <summary>A plain tar.</summary>
    Uncompressed,
    /// <summary>gzip (1F 8B).</summary>
    Gzip,
    /// <summary>zstd (28 B5 2F FD, or a skippable frame 5? 2A 4D 18 first).</summary>
    Zstd,
}
