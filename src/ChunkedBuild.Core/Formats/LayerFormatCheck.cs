using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// Which of the two formats a blob is, and the first check of each validator: that the blob and its annotations are of the format being
/// checked at all. The compression decides (an eStargz layer is gzip, a zstd:chunked layer is zstd); annotations of the other format
/// describe another layer. Without this, a blob checked against the other format's annotations failed deep inside (a checksum of the
/// empty input read at a position meant for another blob) instead of saying it is the wrong format.
/// </summary>
public static class LayerFormatCheck
{
    /// <summary>eStargz's annotation keys.</summary>
    private static readonly string[] EStargzKeys = [EStargzSpec.TocDigestAnnotation, EStargzSpec.UncompressedSizeAnnotation];

    /// <summary>zstd:chunked's annotation keys.</summary>
    private static readonly string[] ZstdChunkedKeys = [ZstdChunkedSpec.ManifestChecksumAnnotation, ZstdChunkedSpec.ManifestPositionAnnotation, ZstdChunkedSpec.TarSplitPositionAnnotation];

    /// <summary>
    /// The format of <paramref name="blob"/>: from its compression (gzip: estargz, zstd: zstd-chunked), else from which format's keys
    /// <paramref name="annotations"/> carry, else zstd-chunked. The stream is left at its start.
    /// </summary>
    public static string Infer(IReadOnlyDictionary<string, string>? annotations, Stream blob)
    {
        switch (CompressionOf(blob))
        {
            case LayerCompression.Gzip: return "estargz";
            case LayerCompression.Zstd: return "zstd-chunked";
        }
        return annotations is not null && EStargzKeys.Any(annotations.ContainsKey) && !ZstdChunkedKeys.Any(annotations.ContainsKey) ? "estargz" : "zstd-chunked";
    }

    /// <summary>
    /// True when <paramref name="blob"/> can be a <paramref name="format"/> layer described by <paramref name="annotations"/>; else adds one
    /// failure saying which format the blob or the annotations are, and returns false (the other checks would only repeat it).
    /// </summary>
    internal static bool Matches(Stream blob, IReadOnlyDictionary<string, string> annotations, string format, List<string> failures)
    {
        var (expected, other, ownKeys, otherKeys) = format == "estargz"
            ? (LayerCompression.Gzip, "zstd-chunked", EStargzKeys, ZstdChunkedKeys)
            : (LayerCompression.Zstd, "estargz", ZstdChunkedKeys, EStargzKeys);
        var actual = CompressionOf(blob);
        if (actual != expected)
        {
            var what = actual switch { LayerCompression.Gzip => "gzip-compressed", LayerCompression.Zstd => "zstd-compressed", LayerCompression.Uncompressed => "an uncompressed tar", _ => "neither gzip nor zstd" };
            var hint = actual == (expected == LayerCompression.Gzip ? LayerCompression.Zstd : LayerCompression.Gzip) ? $" (is it {Display(other)} layer? check it as one, with its own annotations)" : "";
            failures.Add($"format: the blob is {what}, so it is not {Display(format)} layer, which is {(expected == LayerCompression.Gzip ? "gzip" : "zstd")}-compressed{hint}");
            return false;
        }
        if (!ownKeys.Any(annotations.ContainsKey) && otherKeys.Where(annotations.ContainsKey).ToList() is [_, ..] foreign)
        {
            failures.Add($"annotations: they are {Name(other)} annotations ({string.Join(", ", foreign)}), with none of {Name(format)}'s: they describe another layer, not this blob");
            return false;
        }
        return true;
    }

    /// <summary>The format's name, for messages.</summary>
    private static string Name(string format) => format == "estargz" ? "eStargz" : "zstd:chunked";

    /// <summary>The format's name with an article, for messages.</summary>
    private static string Display(string format) => format == "estargz" ? "an eStargz" : "a zstd:chunked";

    private static LayerCompression? CompressionOf(Stream blob)
    {
        var head = new byte[4];
        blob.Position = 0;
        var n = blob.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        blob.Position = 0;
        return LayerInput.Detect(head.AsSpan(0, n));
    }
}
