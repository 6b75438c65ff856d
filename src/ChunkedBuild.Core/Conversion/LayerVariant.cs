using ChunkedBuild.Core.Errors;

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

/// <summary>Names and parsing of <see cref="LayerVariant"/>.</summary>
public static class LayerVariants
{
    /// <summary>The default variants: <c>estargz,zstd-chunked</c>.</summary>
    public static IReadOnlyList<LayerVariant> Default { get; } = [LayerVariant.EStargz, LayerVariant.ZstdChunked];

    /// <summary>The command-line name: <c>estargz</c>, <c>original</c>, <c>zstd-chunked</c>.</summary>
    public static string Name(this LayerVariant variant) => variant switch
    {
        LayerVariant.EStargz => "estargz",
        LayerVariant.ZstdChunked => "zstd-chunked",
        _ => "original",
    };

    /// <summary>The layer format name (<see cref="Formats.LayerFormats"/>) of a converting variant; null for <see cref="LayerVariant.Original"/>.</summary>
    public static string? FormatName(this LayerVariant variant) => variant switch
    {
        LayerVariant.EStargz => "estargz",
        LayerVariant.ZstdChunked => "zstd-chunked",
        _ => null,
    };

    /// <summary>The suffix appended to a tag with <c>--publish tags</c>: <c>-estargz</c>, <c>-zstdchunked</c>, none for the original.</summary>
    public static string TagSuffix(this LayerVariant variant) => variant switch
    {
        LayerVariant.EStargz => "-estargz",
        LayerVariant.ZstdChunked => "-zstdchunked",
        _ => "",
    };

    /// <summary>Parses a comma-separated list (<c>estargz,zstd-chunked</c>), keeping the canonical publishing order.</summary>
    /// <exception cref="ChunkedBuildException">CHB9001 for an unknown or empty list.</exception>
    public static IReadOnlyList<LayerVariant> ParseList(string text)
    {
        var variants = new SortedSet<LayerVariant>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            variants.Add(part.ToLowerInvariant() switch
            {
                "estargz" => LayerVariant.EStargz,
                "zstd-chunked" or "zstdchunked" or "zstd:chunked" => LayerVariant.ZstdChunked,
                "original" => LayerVariant.Original,
                _ => throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"unknown variant '{part}' (use estargz, zstd-chunked, original)"),
            });
        }
        return variants.Count > 0 ? [.. variants] : throw new ChunkedBuildException(ErrorCodes.InvalidOption, "--variant names no variant");
    }
}
