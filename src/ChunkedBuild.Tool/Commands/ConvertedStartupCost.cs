using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports;

namespace ChunkedBuild.Tool.Commands;

/// <summary>
/// The lazy-pull cost of what <c>convert --startup</c> wrote: every tag the conversion wrote is read back from the destination (layout,
/// archive or registry, through the same transports) and estimated with <see cref="StartupCostEstimator"/>; the manifests of one platform
/// found under several tags (<c>--publish tags</c>: one tag per variant) are merged into one platform entry.
/// </summary>
internal static class ConvertedStartupCost
{
    /// <summary>Estimates the cost of every image <paramref name="result"/> tagged at <paramref name="destination"/>.</summary>
    public static async Task<StartupCostReport> EstimateAsync(ImageTransports transports, string destination, ConversionResult result, StartupList list,
        string tempDirectory, CancellationToken cancellationToken)
    {
        var platforms = new List<PlatformStartupCost>();
        string? source = null;
        foreach (var tag in result.Tags.DistinctBy(t => t.Descriptor.Digest))
        {
            await using var written = transports.OpenSource(LocationOf(destination, tag.Tag));
            var report = await StartupCostEstimator.EstimateAsync(written, list, tempDirectory, cancellationToken);
            source ??= report.Source;
            foreach (var platform in report.Platforms)
            {
                var known = platforms.FindIndex(p => p.Platform.ToString() == platform.Platform.ToString());
                if (known < 0)
                {
                    platforms.Add(platform);
                    continue;
                }
                var manifests = platforms[known].Manifests;
                platforms[known] = platforms[known] with
                {
                    Manifests = [.. manifests, .. platform.Manifests.Where(m => manifests.All(k => k.Manifest.Digest != m.Manifest.Digest))],
                };
            }
        }
        return new StartupCostReport(source ?? list.Mode.ToString().ToLowerInvariant(), platforms);
    }

    /// <summary>The destination location naming <paramref name="tag"/>: <c>oci:&lt;dir&gt;:&lt;tag&gt;</c>, <c>docker://registry/repo:&lt;tag&gt;</c>, ….</summary>
    internal static string LocationOf(string destination, string tag)
    {
        var location = ImageLocation.Parse(destination, mustExist: false);
        return location.Kind == TransportKind.Registry
            ? "docker://" + ImageReference.Parse(location.Path).WithTag(tag)
            : (location with { Reference = tag }).ToString();
    }
}
