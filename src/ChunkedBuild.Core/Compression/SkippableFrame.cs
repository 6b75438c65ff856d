using System.Buffers.Binary;

namespace ChunkedBuild.Core.Compression;

/// <summary>
/// zstd skippable frames (RFC 8878 §3.1.2). Layout: 4-byte magic 0x184D2A50 little-endian (bytes 50 2A 4D 18),
/// 4-byte little-endian payload length, payload. Decoders skip them; zstd:chunked keeps its TOC, tar-split and footer in them.
/// </summary>
public static class SkippableFrame
{
    /// <summary>The magic containers/storage writes (nibble 0).</summary>
    public const uint Magic = 0x184D2A50;
    /// <summary>Magic (4) + length (4).</summary>
    public const int HeaderLength = 8;

    /// <summary>Writes one skippable frame holding <paramref name="payload"/>.</summary>
    public static void Write(Stream destination, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], checked((uint)payload.Length));
        destination.Write(header);
        destination.Write(payload);
    }

    /// <summary>True when <paramref name="header"/> starts with any of the 16 skippable magics (0x184D2A50..5F).</summary>
    public static bool IsSkippableMagic(ReadOnlySpan<byte> header) =>
        header.Length >= 4 && (BinaryPrimitives.ReadUInt32LittleEndian(header) & 0xFFFFFFF0) == 0x184D2A50;
}
