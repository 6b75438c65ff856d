using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Registry;

namespace ChunkedBuild.Core.Inspection;

/// <summary>
/// The registry check on its own (<c>inspect --registry-check docker://…</c>): the <see cref="RangeProbe"/> of the image's repository on
/// the smallest layer blob of its lazy variants (else of any manifest), compared with that blob downloaded whole and verified against its
/// digest; verdicts for the image's lazy variants, or for both when it has none (what a conversion pushed there would meet).
/// </summary>
public static class RegistryChecker
{
    /// <summary>Checks the repository <paramref name="source"/> reads, on <paramref name="images"/> (what <see cref="ImageInspector"/> found there).</summary>
    /// <exception cref="ChunkedBuildException">CHB9001 when no layer blob is large enough to probe.</exception>
    public static async Task<RegistryCheckReport> CheckAsync(RegistryImageSource source, IReadOnlyList<InspectedImage> images, CancellationToken cancellationToken = default)
    {
        var manifests = images.SelectMany(i => i.Manifests).ToList();
        var lazyVariants = Enum.GetValues<LayerVariant>().Where(v => v.Format() is not null).ToList();
        var variants = manifests.Select(m => lazyVariants.Where(v => v.Name() == m.Variant).Cast<LayerVariant?>().FirstOrDefault())
            .OfType<LayerVariant>().Distinct().ToList();
        var candidates = manifests.Where(m => variants.Count == 0 || lazyVariants.Any(v => v.Name() == m.Variant)).SelectMany(m => m.Layers)
            .Where(l => l.Descriptor.Size >= RangeProbe.MinimumBlobSize).OrderBy(l => l.Descriptor.Size).ThenBy(l => l.Descriptor.Digest.ToString(), StringComparer.Ordinal);
        var blob = candidates.FirstOrDefault()?.Descriptor
            ?? throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"{source.DisplayName}: no layer blob of at least {RangeProbe.MinimumBlobSize} bytes to probe");
        var ranges = await new RangeProbe().ProbeAsync(source.Client, source.Reference, blob, ct => source.Client.OpenBlobAsync(source.Reference, blob, ct), cancellationToken)
            .ConfigureAwait(false);
        return RegistryCheckReport.For(ranges, variants.Count > 0 ? variants : lazyVariants);
    }
}
