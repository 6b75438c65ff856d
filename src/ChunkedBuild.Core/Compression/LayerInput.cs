using System.IO.Compression;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Compression;

/// <summary>Detects a layer's compression by magic and opens its uncompressed tar stream.</summary>
public static class LayerInput
{
    /// <summary>How many bytes <see cref="OpenUncompressed"/> peeks at: one tar header block.</summary>
    public const int PeekLength = 512;

    /// <summary>
    /// Returns the compression of a blob from its first bytes (up to 512: a tar is recognised by the ustar magic, a valid
    /// header checksum or an all-zero first block), or null when it is none of tar, gzip, zstd.
    /// </summary>
    public static LayerCompression? Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B) return LayerCompression.Gzip;
        if (head.Length >= 4 && (head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]) || SkippableFrame.IsSkippableMagic(head)))
            return LayerCompression.Zstd;
        if (head.Length >= PeekLength && IsTarHeader(head[..PeekLength])) return LayerCompression.Uncompressed;
        return null;
    }

    /// <summary>
    /// Wraps <paramref name="blob"/> (read sequentially) in the right decompressor. Unknown content is a CHB1201 error;
    /// corrupt gzip/zstd data surfaces as CHB1202 errors from the returned stream's reads.
    /// </summary>
    public static Stream OpenUncompressed(Stream blob, out LayerCompression compression, bool leaveOpen = false)
    {
        var head = new byte[PeekLength];
        var length = 0;
        int n;
        while (length < head.Length && (n = blob.Read(head, length, head.Length - length)) > 0) length += n;
        compression = Detect(head.AsSpan(0, length)) ?? throw new ChunkedBuildException(ErrorCodes.UnknownCompression,
            $"the layer is not a tar, gzip or zstd stream (first bytes: {Convert.ToHexStringLower(head.AsSpan(0, Math.Min(length, 8)))})");
        var whole = new PrefixedStream(head.AsMemory(0, length), blob, leaveOpen);
        return compression switch
        {
            LayerCompression.Gzip => new DecompressionErrorStream(new GZipStream(whole, CompressionMode.Decompress), "gzip"),
            LayerCompression.Zstd => new DecompressionErrorStream(new ZstdSharp.DecompressionStream(whole, bufferSize: 1 << 17), "zstd"),
            _ => whole,
        };
    }

    private static bool IsTarHeader(ReadOnlySpan<byte> block)
    {
        if (!block.ContainsAnyExcept((byte)0)) return true; // an empty archive starts with its end-of-archive block
        if (block[257..262].SequenceEqual("ustar"u8)) return true;
        // v7: the checksum field (octal at 148..155) equals the sum of the header with the field read as spaces
        var field = block[148..156];
        long stored = 0;
        var digits = 0;
        foreach (var b in field)
        {
            if (b is >= (byte)'0' and <= (byte)'7') { stored = stored * 8 + (b - '0'); digits++; }
            else if (b is (byte)' ' or 0) { if (digits > 0) break; }
            else return false;
        }
        if (digits == 0) return false;
        long sum = 0;
        for (var i = 0; i < block.Length; i++) sum += i is >= 148 and < 156 ? ' ' : block[i];
        return sum == stored;
    }
}
