using System.Buffers.Binary;
using System.IO.Compression;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;
using ZstdSharp;

namespace ChunkedBuild.Core.Compression;

/// <summary>Detects a layer's compression by magic and opens its uncompressed tar stream.</summary>
public static class LayerInput
{
    /// <summary>How many head bytes <see cref="OpenUncompressed"/> peeks: two tar blocks (an empty tar is 1024 zeros).</summary>
    public const int PeekLength = 1024;

    // Buffer sizes for the decompressors: large reads keep the per-call overhead of the decoders negligible. A blob known to be
    // smaller gets a buffer of its size (at least the minimum): a fresh 1 MiB array per small layer costs more than its conversion.
    private const int CompressedReadBuffer = 1 << 20;
    private const int MinimumCompressedReadBuffer = 4 << 10;

    private const int TarBlock = 512;
    // ustar header: magic "ustar" at 257 (POSIX "ustar\0" + "00", GNU "ustar  \0"); checksum: 8 bytes at 148.
    private const int TarMagicOffset = 257;
    private const int TarChecksumOffset = 148;
    private const int TarChecksumLength = 8;

    /// <summary>
    /// Returns the compression of a blob from its first bytes (at least 512 are best: a tar is recognised by the ustar
    /// magic or a valid header checksum), or null when it is none of tar, gzip, zstd.
    /// </summary>
    public static LayerCompression? Detect(ReadOnlySpan<byte> head)
    {
        // gzip: ID1 ID2 = 1F 8B (RFC 1952 §2.3.1).
        if (head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B) return LayerCompression.Gzip;
        // zstd frame magic 0xFD2FB528 LE = 28 B5 2F FD, or a skippable frame first (RFC 8878 §3.1).
        if (head.Length >= 4 && (BinaryPrimitives.ReadUInt32LittleEndian(head) == 0xFD2FB528 || SkippableFrame.IsSkippableMagic(head)))
            return LayerCompression.Zstd;
        if (IsTarHead(head)) return LayerCompression.Uncompressed;
        return null;
    }

    /// <summary>
    /// Wraps <paramref name="blob"/> (read sequentially) in the right decompressor. Unknown content is a CHB1201 error;
    /// corrupt gzip/zstd data surfaces as CHB1202 errors from the returned stream's reads.
    /// </summary>
    /// <param name="blob">The layer blob, read from its start.</param>
    /// <param name="compression">The compression found.</param>
    /// <param name="leaveOpen">Whether disposing the returned stream leaves <paramref name="blob"/> open.</param>
    /// <param name="blobSize">The blob's size when known (its descriptor's): only sizes the read buffer, never limits the reads.</param>
    public static Stream OpenUncompressed(Stream blob, out LayerCompression compression, bool leaveOpen = false, long? blobSize = null)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var head = new byte[PeekLength];
        int filled = blob.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var detected = Detect(head.AsSpan(0, filled)) ?? throw new ChunkedBuildException(ErrorCodes.UnknownCompression,
            filled == 0
                ? "the layer blob is empty; expected a tar, gzip or zstd stream"
                : $"the layer blob is neither a tar (no ustar magic at offset 257, no valid header checksum), nor gzip (1F 8B), nor zstd (28 B5 2F FD); it starts with {Convert.ToHexString(head, 0, Math.Min(filled, 8))}");
        compression = detected;
        var source = new PrefixedStream(head, filled, blob, leaveOpen);
        // The peek read the whole blob when it came back short; else what is left of it, when its size is known.
        var unread = filled < head.Length ? 0 : (blobSize - filled) ?? CompressedReadBuffer;
        var readBuffer = (int)Math.Clamp(unread, MinimumCompressedReadBuffer, CompressedReadBuffer);
        switch (detected)
        {
            case LayerCompression.Uncompressed:
                return source;
            case LayerCompression.Gzip:
                // GZipStream reads every member of a multi-member file; its own input buffer is small, so buffer below it.
                // GZipStream does not report a stream cut inside a member, so the trailer is checked at the end.
                var tail = new TailRecordingStream(new BufferedStream(source, readBuffer));
                return new DecompressingStream(new GZipStream(tail, CompressionMode.Decompress, leaveOpen: false), source, leaveOpen: true, detected, tail);
            default:
                // ZSTD_decompressStream goes through consecutive frames and skips skippable frames; checkEndOfStream turns a
                // stream ending inside a frame into an error instead of a silent short read.
                var zstd = new DecompressionStream(source, readBuffer, checkEndOfStream: true, leaveOpen: false);
                return new DecompressingStream(zstd, source, leaveOpen: true, detected);
        }
    }

    private static bool IsTarHead(ReadOnlySpan<byte> head)
    {
        if (head.Length >= TarMagicOffset + 5 && head.Slice(TarMagicOffset, 5).SequenceEqual("ustar"u8)) return true;
        if (head.Length >= TarBlock && HasValidChecksum(head[..TarBlock])) return true;
        // An empty archive: the two zero end blocks (or more), nothing else in the peeked head.
        return head.Length >= 2 * TarBlock && !head.ContainsAnyExcept((byte)0);
    }

    // V7/ustar header checksum: the sum of the 512 header bytes with the checksum field taken as spaces, written as
    // octal (leading spaces/NULs allowed, terminated by NUL or space). Old writers summed signed chars; accept both.
    private static bool HasValidChecksum(ReadOnlySpan<byte> block)
    {
        var field = block.Slice(TarChecksumOffset, TarChecksumLength);
        int i = 0;
        while (i < field.Length && (field[i] == (byte)' ' || field[i] == 0)) i++;
        long stored = 0;
        int digits = 0;
        for (; i < field.Length && field[i] is >= (byte)'0' and <= (byte)'7'; i++, digits++) stored = stored * 8 + (field[i] - '0');
        if (digits == 0) return false;
        for (; i < field.Length; i++) if (field[i] != (byte)' ' && field[i] != 0) return false;

        long unsignedSum = 0, signedSum = 0;
        for (int k = 0; k < block.Length; k++)
        {
            byte b = k is >= TarChecksumOffset and < TarChecksumOffset + TarChecksumLength ? (byte)' ' : block[k];
            unsignedSum += b;
            signedSum += (sbyte)b;
        }
        return stored == unsignedSum || stored == signedSum;
    }
}
