using System.Buffers.Binary;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// The 64-byte zstd:chunked footer (containers/storage ≥ 1.50; its byte layout is at <see cref="ZstdChunkedSpec.FooterLength"/>), stored as
/// the payload of the last skippable frame. Current readers use the annotations, not the footer; it makes the blob self-describing.
/// </summary>
/// <param name="Toc">Where the compressed TOC is.</param>
/// <param name="TarSplit">Where the compressed tar-split is.</param>
internal sealed record ZstdChunkedFooter(ZstdChunkedPosition Toc, ZstdChunkedPosition TarSplit)
{
    /// <summary>Payload length of the footer frame.</summary>
    public const int Length = ZstdChunkedSpec.FooterLength;
    /// <summary>The footer frame including its skippable-frame header.</summary>
    public const int FrameLength = Length + Compression.SkippableFrame.HeaderLength;

    /// <summary>The 64 payload bytes.</summary>
    public byte[] ToBytes()
    {
        var b = new byte[Length];
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(0), Toc.Offset);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(8), Toc.CompressedLength);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(16), Toc.UncompressedLength);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), ZstdChunkedSpec.ManifestTypeCrfs);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(32), TarSplit.Offset);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(40), TarSplit.CompressedLength);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(48), TarSplit.UncompressedLength);
        ZstdChunkedSpec.FooterMagic.CopyTo(b.AsSpan(56));
        return b;
    }

    /// <summary>Parses the last <see cref="FrameLength"/> bytes of a blob; null when they are not a 64-byte footer frame.</summary>
    public static ZstdChunkedFooter? TryParseFrame(ReadOnlySpan<byte> frame)
    {
        if (frame.Length != FrameLength || !Compression.SkippableFrame.IsSkippableMagic(frame)
            || BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]) != Length) return null;
        var p = frame[Compression.SkippableFrame.HeaderLength..];
        if (!p[56..].SequenceEqual(ZstdChunkedSpec.FooterMagic) || BinaryPrimitives.ReadUInt64LittleEndian(p[24..]) != ZstdChunkedSpec.ManifestTypeCrfs) return null;
        return new ZstdChunkedFooter(new ZstdChunkedPosition(Field(p, 0), Field(p, 8), Field(p, 16)),
            new ZstdChunkedPosition(Field(p, 32), Field(p, 40), Field(p, 48)));

        static long Field(ReadOnlySpan<byte> payload, int offset) =>
            (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(payload[offset..]), long.MaxValue);
    }
}
