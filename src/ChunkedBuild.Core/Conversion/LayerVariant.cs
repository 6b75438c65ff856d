using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>One output variant of an image: every layer in one layer format.</summary>
public enum LayerVariant
{
    /// <summary>eStargz (gzip-compatible; lazily pulled by containerd's stargz-snapshotter).</summary>
    EStargz,

    /// <summary>The source image's layers as they are (gzip or whatever they were), in an OCI manifest.</summary>
    Original,

    /// <summary>zstd:chunked in the containers/storage dialect (Podman, Buildah, CRI-O).</summary>
    ZstdChunked,
}

/// <summary>Names, formats and parsing of <see cref="LayerVariant"/>.</summary>
public static class LayerVariants
{
    /// <summary>The default variants: <c>estargz,zstd-chunked</c>.</summary>
    public static IReadOnlyList<LayerVariant> Default { get; } = [LayerVariant.EStargz, LayerVariant.ZstdChunked];

    /// <summary>The layer format a converting variant writes; null for <see cref="LayerVariant.Original"/>.</summary>
    public static ILayerFormat? Format(this LayerVariant variant) => variant switch
    {
        LayerVariant.EStargz => LayerFormats.EStargz,
        LayerVariant.ZstdChunked => LayerFormats.ZstdChunked,
        _ => null,
    };

    /// <summary>
    /// Whether <paramref name="layer"/> is already in the variant: in its format, as readers decide it (<see cref="ILayerFormat.Describes"/>),
    /// so there is nothing to convert; every layer is in the original variant.
    /// </summary>
    public static bool Holds(this LayerVariant variant, Descriptor layer) => variant.Format()?.Describes(layer) ?? true;

    /// <summary>The command-line name: its format's (<c>estargz</c>, <c>zstd-chunked</c>), or <c>original</c>.</summary>
    public static string Name(this LayerVariant variant) => variant.Format()?.Name ?? OriginalName;

    /// <summary>The suffix appended to a tag with <c>--publish tags</c>: <c>-estargz</c>, <c>-zstdchunked</c> (the name without hyphens), none for the original.</summary>
    public static string TagSuffix(this LayerVariant variant) =>
        variant.Format() is { } format ? "-" + format.Name.Replace("-", "", StringComparison.Ordinal) : "";

    /// <summary>Parses a comma-separated list (<c>estargz,zstd-chunked</c>; any spelling <see cref="LayerFormats.Find"/> knows), keeping the canonical publishing order.</summary>
    /// <exception cref="ChunkedBuildException">CHB9001 for an unknown or empty list.</exception>
    public static IReadOnlyList<LayerVariant> ParseList(string text)
    {
        var variants = new SortedSet<LayerVariant>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) variants.Add(Parse(part));
        return variants.Count > 0 ? [.. variants] : throw new ChunkedBuildException(ErrorCodes.InvalidOption, "--variant names no variant");
    }

    private static LayerVariant Parse(string part)
    {
        if (part.Equals(OriginalName, StringComparison.OrdinalIgnoreCase)) return LayerVariant.Original;
        if (LayerFormats.Find(part) is { } format)
        {
            foreach (var variant in Enum.GetValues<LayerVariant>())
                if (variant.Format() == format) return variant;
        }
        throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"unknown variant '{part}' (use {string.Join(", ", Default.Select(Name).Append(OriginalName))})");
    }

    private const string OriginalName = "original";
}
