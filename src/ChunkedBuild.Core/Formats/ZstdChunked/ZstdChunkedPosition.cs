using System.Globalization;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// Where a skippable-frame payload sits: <c>offset</c> of its first byte (frame start + 8), its compressed length and
/// the length once decompressed. Written as the <c>manifest-position</c> (<c>o:c:u:1</c>) and <c>tarsplit-position</c>
/// (<c>o:c:u</c>) annotations.
/// </summary>
/// <param name="Offset">Offset of the first payload byte in the blob.</param>
/// <param name="CompressedLength">Payload length.</param>
/// <param name="UncompressedLength">Length after zstd decompression.</param>
public sealed record ZstdChunkedPosition(long Offset, long CompressedLength, long UncompressedLength)
{
    /// <summary>The <c>manifest-position</c> value: <c>offset:compressed:uncompressed:1</c>.</summary>
    public string ToManifestPosition() => string.Create(CultureInfo.InvariantCulture, $"{Offset}:{CompressedLength}:{UncompressedLength}:1");

    /// <summary>The <c>tarsplit-position</c> value: <c>offset:compressed:uncompressed</c>.</summary>
    public string ToTarSplitPosition() => string.Create(CultureInfo.InvariantCulture, $"{Offset}:{CompressedLength}:{UncompressedLength}");

    /// <summary>Parses <c>o:c:u:1</c> (reader rule: four unsigned decimals, type 1); null otherwise.</summary>
    public static ZstdChunkedPosition? TryParseManifestPosition(string? text)
    {
        var parts = Split(text, 4);
        return parts is null || parts[3] != 1 ? null : new ZstdChunkedPosition(parts[0], parts[1], parts[2]);
    }

    /// <summary>Parses <c>o:c:u</c> (three unsigned decimals, offset &gt; 0); null otherwise.</summary>
    public static ZstdChunkedPosition? TryParseTarSplitPosition(string? text)
    {
        var parts = Split(text, 3);
        return parts is null || parts[0] <= 0 ? null : new ZstdChunkedPosition(parts[0], parts[1], parts[2]);
    }

    private static long[]? Split(string? text, int count)
    {
        if (text is null) return null;
        var parts = text.Split(':');
        if (parts.Length != count) return null;
        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i])) return null;
        }
        return values;
    }
}
