namespace ChunkedBuild.Core.Compression;

/// <summary>Detects a layer's compression by magic and opens its uncompressed tar stream.</summary>
public static class LayerInput
{
    /// <summary>
    /// Returns the compression of a blob from its first bytes (at least 512 are best: a tar is recognised by the ustar
    /// magic or a valid header checksum), or null when it is none of tar, gzip, zstd.
    /// </summary>
    public static LayerCompression? Detect(ReadOnlySpan<byte> head) => throw new NotImplementedException();

    /// <summary>
    /// Wraps <paramref name="blob"/> (read sequentially) in the right decompressor. Unknown content is a CHB1201 error;
    /// corrupt gzip/zstd data surfaces as CHB1202 errors from the returned stream's reads.
    /// </summary>
    public static Stream OpenUncompressed(Stream blob, out LayerCompression compression, bool leaveOpen = false) =>
        throw new NotImplementedException();
}
