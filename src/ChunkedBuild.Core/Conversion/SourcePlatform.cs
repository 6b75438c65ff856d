using System.Text.Json.Nodes;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// One platform of a source image and the variants of it the source already holds. An image this tool (or another) already converted lists
/// several manifests per platform (eStargz, zstd:chunked, the original): they are one platform, not several, and a variant that is there
/// already is passed through as it is instead of being made again, from the wrong layers. Converting an already-converted image therefore
/// gives the same index.
/// </summary>
public sealed record SourcePlatform
{
    /// <summary>The manifest new variants are made from: the original when the source has it, else zstd:chunked (same tar), else eStargz.</summary>
    public required PlatformImage Base { get; init; }

    /// <summary>The variants the source already holds for this platform (each of them also counts as its own source).</summary>
    public IReadOnlyDictionary<LayerVariant, PlatformImage> Existing { get; init; } = new Dictionary<LayerVariant, PlatformImage>();

    /// <summary>The manifest <paramref name="variant"/> is made from: the existing variant when there is one, else <see cref="Base"/>.</summary>
    public PlatformImage SourceFor(LayerVariant variant) => Existing.TryGetValue(variant, out var existing) ? existing : Base;

    /// <summary>
    /// Groups the manifests found under a source image into platforms: manifests with the same platform, the same number of layers and the
    /// same config apart from <c>rootfs.diff_ids</c> are variants of one image when each is a different variant (see <see cref="VariantOf"/>).
    /// Anything else stays one platform per manifest, as listed.
    /// </summary>
    public static IReadOnlyList<SourcePlatform> Group(IReadOnlyList<PlatformImage> manifests)
    {
        var keys = manifests.Select(Key).ToList();
        var result = new List<SourcePlatform>();
        var done = new HashSet<int>();
        for (var i = 0; i < manifests.Count; i++)
        {
            if (!done.Add(i)) continue;
            var members = Enumerable.Range(i, manifests.Count - i)
                .Where(j => j == i || (!done.Contains(j) && keys[j] == keys[i] && manifests[j].Manifest.Digest != manifests[i].Manifest.Digest)).ToList();
            var variants = members.Select(j => VariantOf(manifests[j])).ToList();
            if (members.Count < 2 || variants.Any(v => v is null) || variants.Distinct().Count() != members.Count)
            {
                result.Add(new SourcePlatform { Base = manifests[i] });
                continue;
            }
            foreach (var j in members) done.Add(j);
            var existing = members.Zip(variants).ToDictionary(m => m.Second!.Value, m => manifests[m.First]);
            var preferred = new[] { LayerVariant.Original, LayerVariant.ZstdChunked, LayerVariant.EStargz }.First(existing.ContainsKey);
            result.Add(new SourcePlatform { Base = existing[preferred], Existing = existing });
        }
        return result;
    }

    /// <summary>
    /// Which variant a manifest is: zstd:chunked when a layer is (or its index entry says <c>io.github.containers.compression.zstd</c>),
    /// eStargz when a layer is, the original when no layer is lazy; null when it mixes both lazy formats.
    /// </summary>
    public static LayerVariant? VariantOf(PlatformImage image)
    {
        var layers = image.Manifest.Value.Layers.Select(l => l with { MediaType = MediaTypes.OciLayerOf(l.MediaType) ?? l.MediaType }).ToList();
        var zstd = layers.Any(l => LayerVariant.ZstdChunked.Holds(l)) || image.Descriptor.Annotation(Annotations.CompressionZstd) == "true";
        var estargz = layers.Any(l => LayerVariant.EStargz.Holds(l));
        return (zstd, estargz) switch
        {
            (true, true) => null,
            (true, false) => LayerVariant.ZstdChunked,
            (false, true) => LayerVariant.EStargz,
            _ => LayerVariant.Original,
        };
    }

    /// <summary>Platform, layer count and the config without its diff_ids: what the variants of one image share.</summary>
    private static string Key(PlatformImage image)
    {
        var config = JsonNode.Parse(image.ConfigRaw) as JsonObject;
        if (config?["rootfs"] is JsonObject rootfs) rootfs.Remove("diff_ids");
        return $"{image.Platform}\n{image.Manifest.Value.Layers.Count}\n{config?.ToJsonString()}";
    }
}
