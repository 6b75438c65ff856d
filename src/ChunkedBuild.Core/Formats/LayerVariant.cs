using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// One output variant of an image: every layer in one layer format. The declaration order means nothing: the order variants are
/// published in is <see cref="LayerVariants.PublishOrder"/>.
/// </summary>
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

    /// <summary>
    /// The order variants are published in, wherever several meet: the manifests of one platform in an index (<c>--publish index</c>),
    /// the tags and summaries (<c>--publish tags</c>, the result's variants), the registry check's verdicts. The gzip-compatible variants
    /// come first and zstd:chunked last, because a client that takes the first manifest of its platform from an index (docker, containerd
    /// without a snapshotter that selects by annotation) must get layers it can read: eStargz is a gzip stream any puller unpacks, and it
    /// comes before the original because a lazy puller taking the first match then pulls lazily; a zstd:chunked manifest first would fail
    /// on clients that cannot read zstd. One rule for every place an order shows, so the enum's declaration order decides nothing.
    /// </summary>
    public static IReadOnlyList<LayerVariant> PublishOrder { get; } = [LayerVariant.EStargz, LayerVariant.Original, LayerVariant.ZstdChunked];

    /// <summary>The position of <paramref name="variant"/> in <see cref="PublishOrder"/>, for sorting.</summary>
    public static int PublishRank(this LayerVariant variant)
    {
        for (var i = 0; i < PublishOrder.Count; i++)
            if (PublishOrder[i] == variant) return i;
        throw new ArgumentOutOfRangeException(nameof(variant), variant, "not a variant");
    }

    /// <summary><paramref name="variants"/>, each once, in <see cref="PublishOrder"/>.</summary>
    public static IReadOnlyList<LayerVariant> InPublishOrder(IEnumerable<LayerVariant> variants)
    {
        var wanted = variants.ToHashSet();
        return [.. PublishOrder.Where(wanted.Contains)];
    }

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

    /// <summary>The variant <paramref name="name"/> names (any spelling <see cref="LayerFormats.Find"/> knows, or <c>original</c>), else null.</summary>
    public static LayerVariant? Find(string name)
    {
        if (name.Equals(OriginalName, StringComparison.OrdinalIgnoreCase)) return LayerVariant.Original;
        if (LayerFormats.Find(name) is { } format)
        {
            foreach (var variant in Enum.GetValues<LayerVariant>())
                if (variant.Format() == format) return variant;
        }
        return null;
    }

    /// <summary>Every variant's name, defaults first: <c>estargz</c>, <c>zstd-chunked</c>, <c>original</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Default.Select(Name).Append(OriginalName)];

    private const string OriginalName = "original";
}
