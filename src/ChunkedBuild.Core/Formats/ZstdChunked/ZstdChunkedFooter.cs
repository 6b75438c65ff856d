using System.Buffers.Binary;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// The 64-byte zstd:chunked footer (containers/storage ≥ 1.50), stored as the payload of the last skippable frame, so
/// the blob ends with <c>50 2A 4D 18 40 00 00 00</c> + these 64 bytes. All fields little-endian u64:
/// <code>
///  0  TOC offset (first byte of the compressed TOC, after its skippable-frame header)
///  8  TOC compressed length
/// 16  TOC uncompressed length
/// 24  manifest type = 1 (CRFS)
/// 32  tar-split offset
/// 40  tar-split compressed length
/// 48  tar-split uncompressed length
/// 56  magic "GNUlInUx" = 47 4E 55 6C 49 6E 55 78 (capital N; the old 40-byte footer used "GnUlInUx")
/// </code>
/// Current readers use the annotations, not the footer; it makes the blob self-describing.
/// </summary>
/// <param name="Toc">Where the compressed TOC is.</param>
/// <param name="TarSplit">Where the compressed tar-split is.</param>
public sealed record ZstdChunkedFooter(ZstdChunkedPosition Toc, ZstdChunkedPosition TarSplit)
{
    /// <summary>Payload length of the footer frame.</summary>
    public const int Length = 64;
    /// <summary>The footer frame including its skippable-frame header.</summary>
    public const int FrameLength = Length + Compression.SkippableFrame.HeaderLength;
    /// <summary>The only manifest type (CRFS-compatible JSON TOC).</summary>
    public const ulong ManifestTypeCrfs = 1;
    /// <summary>The magic at payload offset 56.</summary>
    public static ReadOnlySpan<byte> Magic => "GNUlInUx"u8;

    /// <summary>The 64 payload bytes.</summary>
    public byte[] ToBytes()
    {
        var b = new byte[Length];
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(0), Toc.Offset);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(8), Toc.CompressedLength);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(16), Toc.UncompressedLength);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), ManifestTypeCrfs);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(32), TarSplit.Offset);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(40), TarSplit.CompressedLength);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(48), TarSplit.UncompressedLength);
        Magic.CopyTo(b.AsSpan(56));
        return b;
    }

    /// <summary>Parses the last <see cref="FrameLength"/> bytes of a blob; null when they are not a 64-byte footer frame.</summary>
    public static ZstdChunkedFooter? TryParseFrame(ReadOnlySpan<byte> frame)
    {
        if (frame.Length != FrameLength || !Compression.SkippableFrame.IsSkippableMagic(frame)
            || BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]) != Length) return null;
        var p = frame[Compression.SkippableFrame.HeaderLength..];
        if (!p[56..].SequenceEqual(Magic) || BinaryPrimitives.ReadUInt64LittleEndian(p[24..]) != ManifestTypeCrfs) return null;
        return new ZstdChunkedFooter(new ZstdChunkedPosition(Field(p, 0), Field(p, 8), Field(p, 16)),
            new ZstdChunkedPosition(Field(p, 32), Field(p, 40), Field(p, 48)));

        static long Field(ReadOnlySpan<byte> payload, int offset) =>
            (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(payload[offset..]), long.MaxValue);
    }
}
