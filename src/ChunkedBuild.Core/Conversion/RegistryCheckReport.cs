using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Registry;

namespace ChunkedBuild.Core.Conversion;

/// <summary>Whether the pulls a variant is made for will work against a registry.</summary>
/// <param name="Variant">The variant.</param>
/// <param name="Pull">The kind of pull: <c>lazy</c> (eStargz, stargz-snapshotter) or <c>partial</c> (zstd:chunked, containers/storage).</param>
/// <param name="Works">Whether it will work.</param>
/// <param name="Reason">Why, naming what the registry answered.</param>
public sealed record PullSupport(LayerVariant Variant, string Pull, bool Works, string Reason);

/// <summary>
/// The registry capability check of a push (docs/registry-cache.md §5): what the destination repository does with <c>Range</c> GETs
/// (<see cref="RangeProbe"/>) and, per converted variant, whether its pulls will work.
/// </summary>
/// <param name="Ranges">The probe's answers.</param>
/// <param name="Variants">Per converted variant (the original variant is pulled whole and has none).</param>
public sealed record RegistryCheckReport(RangeSupport Ranges, IReadOnlyList<PullSupport> Variants)
{
    /// <summary>
    /// The verdicts for <paramref name="variants"/>. eStargz lazy pulls are judged on single ranges (footer, TOC and chunks can all be read
    /// with one range per request); zstd:chunked partial pulls on several ranges in one GET answered as <c>multipart/byteranges</c>
    /// (containers/storage asks for the chunks it lacks several at a time; otherwise it pulls whole layers or fails, and a 200 with the
    /// whole blob saves nothing).
    /// </summary>
    public static RegistryCheckReport For(RangeSupport ranges, IEnumerable<LayerVariant> variants)
    {
        var verdicts = new List<PullSupport>();
        foreach (var variant in LayerVariants.InPublishOrder(variants))
        {
            switch (variant)
            {
                case LayerVariant.EStargz:
                    verdicts.Add(ranges.Single.Works
                        ? new PullSupport(variant, "lazy", true, ranges.Multi.Works
                            ? "single- and multi-range GETs are served"
                            : $"single-range GETs are served (multi-range GETs: {ranges.Multi.Detail}; one range per request)")
                        : new PullSupport(variant, "lazy", false, $"a single-range GET was answered {ranges.Single.Detail}"));
                    break;
                case LayerVariant.ZstdChunked:
                    verdicts.Add(ranges.Multi.Works
                        ? new PullSupport(variant, "partial", true, "multi-range GETs are served as multipart/byteranges")
                        : new PullSupport(variant, "partial", false, $"a multi-range GET was answered {ranges.Multi.Detail}"));
                    break;
            }
        }
        return new RegistryCheckReport(ranges, verdicts);
    }

    /// <summary>One warning text (for <see cref="Errors.ErrorCodes.RegistryRangeRequestsUnsupported"/>) per variant whose pulls will not work.</summary>
    public IEnumerable<string> Warnings() => Variants.Where(v => !v.Works).Select(v =>
        $"registry {Ranges.Repository}: {v.Variant.Name()} {v.Pull} pulls will not work ({v.Reason}, probed on blob {Ranges.Blob}); " +
        $"pullers fetch whole layers{(v.Variant == LayerVariant.ZstdChunked ? " or fail" : "")}");
}
