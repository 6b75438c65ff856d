using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Registry;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// The registry check of a conversion that pushed to a registry (step 7 of docs/design.md §5); <c>inspect --registry-check</c> runs the same
/// probe on its own (Inspection's <c>RegistryChecker</c>).
/// </summary>
internal static class PushRegistryCheck
{
    /// <summary>
    /// The check after a push: probes the destination repository's <c>Range</c> support (once per registry and repository for
    /// <paramref name="probe"/>) on the smallest converted layer it now holds, compared with the local copy; warns (CHB4011) per variant
    /// whose pulls will not work. A probe that cannot run is a warning too: the image is published either way.
    /// </summary>
    /// <returns>The verdicts; null when nothing was probed.</returns>
    internal static async Task<RegistryCheckReport?> CheckAsync(RangeProbe probe, RegistryImageSink sink, IReadOnlyList<VariantManifest> manifests,
        IConversionObserver observer, CancellationToken token)
    {
        var variants = manifests.Select(m => m.Variant).Where(v => v != LayerVariant.Original).Distinct().ToList();
        var probed = manifests.Where(m => m.Variant != LayerVariant.Original).SelectMany(m => m.Layers)
            .Where(l => l.Descriptor.Size >= RangeProbe.MinimumBlobSize).OrderBy(l => l.Descriptor.Size).ThenBy(l => l.Descriptor.Digest.ToString(), StringComparer.Ordinal)
            .FirstOrDefault();
        if (variants.Count == 0 || probed is null) return null;
        try
        {
            var ranges = await probe.ProbeAsync(sink.Client, sink.Reference, probed.Descriptor, ct => probed.BlobFile is { } file
                ? Task.FromResult<Stream>(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                : sink.Client.OpenBlobAsync(sink.Reference, probed.Descriptor, ct), token).ConfigureAwait(false);
            var report = RegistryCheckReport.For(ranges, variants);
            foreach (var warning in report.Warnings()) observer.Warning(ErrorCodes.RegistryRangeRequestsUnsupported, warning);
            return report;
        }
        catch (Exception e) when (e is ChunkedBuildException or IOException or HttpRequestException or TimeoutException)
        {
            observer.Warning(ErrorCodes.RegistryRangeRequestsUnsupported,
                $"registry {sink.Reference.Registry}/{sink.Reference.Repository}: the range support could not be probed ({e.Message}); whether lazy and partial pulls work is unknown");
            return null;
        }
    }
}
