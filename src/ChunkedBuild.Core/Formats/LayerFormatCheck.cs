using ChunkedBuild.Core.Compression;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// Which format a blob is, and the first check of each validator: that the blob and its annotations are of the format being checked at all.
/// The compression decides (an eStargz layer is gzip, a zstd:chunked layer is zstd); annotations of another format describe another layer.
/// Without this, a blob checked against the other format's annotations failed deep inside (a checksum of the empty input read at a position
/// meant for another blob) instead of saying it is the wrong format. Every format is asked through <see cref="LayerFormats"/>.
/// </summary>
public static class LayerFormatCheck
{
    /// <summary>
    /// The format of <paramref name="blob"/>: the one its compression is (gzip: eStargz, zstd: zstd:chunked), else the only format whose keys
    /// <paramref name="annotations"/> carry, else <see cref="LayerFormats.Default"/>. The stream is left at its start.
    /// </summary>
    public static ILayerFormat Infer(IReadOnlyDictionary<string, string>? annotations, Stream blob)
    {
        var compression = CompressionOf(blob);
        if (LayerFormats.All.FirstOrDefault(f => f.Compression == compression) is { } byCompression) return byCompression;
        return annotations is not null && LayerFormats.All.Where(f => f.AnnotationKeys.Any(annotations.ContainsKey)).ToList() is [var only]
            ? only
            : LayerFormats.Default;
    }

    /// <summary>
    /// True when <paramref name="blob"/> can be a <paramref name="format"/> layer described by <paramref name="annotations"/>; else adds one
    /// failure saying which format the blob or the annotations are, and returns false (the other checks would only repeat it).
    /// </summary>
    internal static bool Matches(Stream blob, IReadOnlyDictionary<string, string> annotations, ILayerFormat format, List<string> failures)
    {
        var others = LayerFormats.All.Where(f => f != format).ToList();
        var actual = CompressionOf(blob);
        if (actual != format.Compression)
        {
            var what = actual switch { LayerCompression.Gzip => "gzip-compressed", LayerCompression.Zstd => "zstd-compressed", LayerCompression.Uncompressed => "an uncompressed tar", _ => "neither gzip nor zstd" };
            var hint = others.FirstOrDefault(f => f.Compression == actual) is { } other ? $" (is it {WithArticle(other)} layer? check it as one, with its own annotations)" : "";
            failures.Add($"format: the blob is {what}, so it is not {WithArticle(format)} layer, which is {Lower(format.Compression)}-compressed{hint}");
            return false;
        }
        if (!format.AnnotationKeys.Any(annotations.ContainsKey)
            && others.FirstOrDefault(f => f.AnnotationKeys.Any(annotations.ContainsKey)) is { } described)
        {
            var foreign = described.AnnotationKeys.Where(annotations.ContainsKey);
            failures.Add($"annotations: they are {described.Title} annotations ({string.Join(", ", foreign)}), with none of {format.Title}'s: they describe another layer, not this blob");
            return false;
        }
        return true;
    }

    /// <summary>The format's title with an article, for messages: an eStargz, a zstd:chunked.</summary>
    private static string WithArticle(ILayerFormat format) => ("aeiou".Contains(format.Title[0], StringComparison.Ordinal) ? "an " : "a ") + format.Title;

    private static string Lower(LayerCompression compression) => compression.ToString().ToLowerInvariant();

    private static LayerCompression? CompressionOf(Stream blob)
    {
        var head = new byte[4];
        blob.Position = 0;
        var n = blob.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        blob.Position = 0;
        return LayerInput.Detect(head.AsSpan(0, n));
    }
}
