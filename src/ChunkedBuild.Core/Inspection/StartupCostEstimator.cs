using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Prioritization.FileView;
using ChunkedBuild.Core.Transports;

namespace ChunkedBuild.Core.Inspection;

/// <summary>
/// Estimates, per variant, the compressed bytes a lazy or partial puller fetches before the app starts, given the files it reads at
/// startup (<see cref="StartupList"/>; <c>auto</c> runs the same planner the conversion does):
/// <list type="bullet">
/// <item>a lazy layer: what its format's TOC says a puller fetches (<see cref="ILayerFormat.ReadToc"/>): the prefetch range (eStargz: layer
/// start → end of the <c>.prefetch.landmark</c> member), the ranges of the listed files' pieces outside it (eStargz: gzip members, each ending
/// where the next payload member starts; zstd:chunked: frames from <c>offset</c> to <c>endOffset</c>), and the metadata (eStargz: the TOC
/// member + footer; zstd:chunked: the TOC and tar-split frames);</item>
/// <item>any other layer (the original gzip): the whole blob.</item>
/// </list>
/// The startup list is computed once per platform, on the platform's manifest without lazy layers when there is one (else its first), and
/// applied to every manifest of that platform with the same layer count, layer by layer (the plan's split says which layer's version of a
/// file the merged image uses). Lazy layers are read whole into a temporary file to parse their TOC (no payload is decompressed).
/// </summary>
public static class StartupCostEstimator
{
    /// <summary>Estimates the startup cost of every manifest <paramref name="source"/> selects.</summary>
    public static async Task<StartupCostReport> EstimateAsync(IImageSource source, StartupList startup, string tempDirectory, CancellationToken cancellationToken = default)
    {
        var silent = new SilentConversionObserver();
        using var scratch = ScratchFolder.Create(tempDirectory);
        var request = new ConversionRequest { Prioritization = startup.Mode, PrioritizationFile = startup.File, TempDirectory = scratch.Path };
        using var store = LayerStore.Temporary(scratch.Path);
        var planner = new PrioritizationPlanner(request, store, silent);
        var platforms = new List<PlatformImage>();
        foreach (var image in await source.ResolveAsync(cancellationToken).ConfigureAwait(false))
        foreach (var root in image.Roots)
            platforms.AddRange(await ImageWalker.CollectAsync(source, root, silent, cancellationToken).ConfigureAwait(false));

        var tocs = new Dictionary<Digest, LayerToc>();
        var report = new List<PlatformStartupCost>();
        foreach (var group in platforms.DistinctBy(p => p.Manifest.Digest).GroupBy(p => (p.Platform.ToString(), p.Manifest.Value.Layers.Count)))
        {
            var members = group.ToList();
            var basis = members.FirstOrDefault(p => p.Manifest.Value.Layers.All(l => LayerFormats.Detect(l) is null)) ?? members[0];
            var plan = await planner.PlanAsync(source, basis, cancellationToken).ConfigureAwait(false);
            var listed = plan.Layers.Select(names => names.Select(ImagePath.Normalize).ToHashSet(StringComparer.Ordinal)).ToList();
            var manifests = new List<ManifestStartupCost>();
            foreach (var platform in members)
            {
                var layers = new List<LayerStartupCost>();
                for (var i = 0; i < platform.Manifest.Value.Layers.Count; i++)
                {
                    var layer = platform.Manifest.Value.Layers[i];
                    var kind = LayerFormats.KindOf(layer);
                    if (LayerFormats.Detect(layer) is not { } format)
                    {
                        layers.Add(new LayerStartupCost(layer, kind, 0, 0, 0, layer.Size, listed[i].Count, 0, 1));
                        continue;
                    }
                    var toc = await TocAsync(source, layer, format, tocs, cancellationToken).ConfigureAwait(false);
                    layers.Add(LazyLayerCost(layer, kind, toc, listed[i]));
                }
                manifests.Add(new ManifestStartupCost(platform.Descriptor, platform.Platform, ImageInspector.VariantOf(platform.Descriptor, platform.Manifest.Value.Layers), layers));
            }
            report.Add(new PlatformStartupCost(basis.Platform, plan, manifests));
        }
        return new StartupCostReport(startup.Mode.ToString().ToLowerInvariant(), report);
    }

    /// <summary>
    /// The cost of a lazy layer for the listed image paths it provides, from what its TOC says a puller fetches (<see cref="ILayerFormat.ReadToc"/>).
    /// A hard link counts as listed but its content only when its target is listed too.
    /// </summary>
    /// <param name="layer">The layer descriptor.</param>
    /// <param name="kind">What the layer is (<see cref="LayerFormats.KindOf"/>), for the report.</param>
    /// <param name="toc">Its TOC: the entries with their compressed ranges, the metadata ranges and the prefetch range.</param>
    /// <param name="listed">The listed image paths (absolute, normalized) whose merged version this layer holds.</param>
    public static LayerStartupCost LazyLayerCost(Descriptor layer, string kind, LayerToc toc, IReadOnlySet<string> listed)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pieces = new Dictionary<string, List<TocRange>>(StringComparer.Ordinal);
        var prefetchEnd = toc.PrefetchEnd;
        foreach (var e in toc.Entries)
        {
            var path = ImagePath.Normalize(e.Name);
            names.Add(path);
            if (e.EndOffset <= e.Offset) continue;
            if (!pieces.TryGetValue(path, out var list)) pieces[path] = list = [];
            list.Add(e);
        }
        var counted = new HashSet<long>();
        var ranges = new List<(long Start, long End)>();
        long onDemand = 0;
        int found = 0, outsideFiles = 0;
        foreach (var path in listed)
        {
            if (!names.Contains(path)) continue;
            found++;
            if (!pieces.TryGetValue(path, out var list)) continue;
            var outside = list.Where(e => e.Offset >= prefetchEnd).ToList();
            if (outside.Count > 0) outsideFiles++;
            foreach (var e in outside.Where(e => counted.Add(e.Offset)))
            {
                onDemand += e.EndOffset - e.Offset;
                ranges.Add((e.Offset, e.EndOffset));
            }
        }
        var onDemandRanges = MergedCount(ranges);
        var metadata = toc.Metadata.Sum(r => r.Length);
        ranges.AddRange(toc.Metadata.Select(r => (r.Offset, r.EndOffset)));
        if (prefetchEnd > 0) ranges.Add((0, prefetchEnd));
        return new LayerStartupCost(layer, kind, prefetchEnd, onDemand, metadata, 0, found, outsideFiles, MergedCount(ranges), onDemandRanges);
    }

    /// <summary>How many separate ranges remain once overlapping or adjacent ones are merged.</summary>
    private static int MergedCount(List<(long Start, long End)> ranges)
    {
        var count = 0;
        var end = long.MinValue;
        foreach (var (start, stop) in ranges.OrderBy(r => r.Start))
        {
            if (start > end) count++;
            end = Math.Max(end, stop);
        }
        return count;
    }

    private static async Task<LayerToc> TocAsync(IImageSource source, Descriptor layer, ILayerFormat format, Dictionary<Digest, LayerToc> cache, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(layer.Digest, out var known)) return known;
        // Only the footer and the TOC are fetched (ranged reads), never the whole layer.
        await using var blob = new BlobWindowStream(source, layer, cancellationToken);
        return cache[layer.Digest] = await Task.Run(() => format.ReadToc(blob, layer.Annotations), cancellationToken).ConfigureAwait(false);
    }
}
