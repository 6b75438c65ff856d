using ChunkedBuild.Core.Formats;

namespace ChunkedBuild.Core.Conversion;

/// <summary>The per-variant totals of a conversion's result.</summary>
internal static class VariantSummaries
{
    /// <summary>
    /// One summary per variant of <paramref name="variants"/> (in that order) over <paramref name="manifests"/>, layers counted once per
    /// distinct blob; the original's bytes are those of <paramref name="platforms"/>' distinct source layers.
    /// </summary>
    public static List<VariantSummary> For(IReadOnlyList<LayerVariant> variants, IReadOnlyList<VariantManifest> manifests, IReadOnlyList<PlatformImage> platforms)
    {
        var originalBytes = platforms.SelectMany(p => p.Manifest.Value.Layers).DistinctBy(l => l.Digest).Sum(l => l.Size);
        return variants.Select(variant =>
        {
            var ofVariant = manifests.Where(m => m.Variant == variant).ToList();
            var layers = ofVariant.SelectMany(m => m.Layers).DistinctBy(l => l.Descriptor.Digest).ToList();
            return new VariantSummary
            {
                Variant = variant,
                Manifests = ofVariant,
                LayerBytes = layers.Sum(l => l.Descriptor.Size),
                OriginalLayerBytes = originalBytes,
                Converted = layers.Count(l => l.Outcome == LayerOutcome.Converted),
                Reused = layers.Count(l => l.Outcome is LayerOutcome.Cached or LayerOutcome.AlreadyInFormat),
                Shared = layers.Count(l => l.Outcome == LayerOutcome.RegistryCached),
                Kept = layers.Count(l => l.Outcome is LayerOutcome.Kept or LayerOutcome.Original),
            };
        }).ToList();
    }
}
