using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Oci.Transport;
using ChunkedBuild.Core.Prioritization;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// Estimates, per variant, the compressed bytes a lazy or partial puller fetches before the app starts, given the files it reads at
/// startup (<see cref="StartupList"/>; <c>auto</c> runs the same planner the conversion does):
/// <list type="bullet">
/// <item>eStargz: the prefetch range (layer start → end of the <c>.prefetch.landmark</c> member), the gzip members of the listed files'
/// chunks outside it (TOC offsets; a member ends where the next payload member starts), and each layer's TOC member + footer;</item>
/// <item>zstd:chunked: the frames of the listed files (TOC <c>offset</c>..<c>endOffset</c>) and each layer's TOC and tar-split frames;</item>
/// <item>any other layer (the original gzip): the whole blob.</item>
/// </list>
/// The startup list is computed once per platform, on the platform's manifest without lazy layers when there is one (else its first), and
/// applied to every manifest of that platform with the same layer count, layer by layer (the plan's split says which layer's version of a
/// file the merged image uses). Lazy layers are read whole into a temporary file to parse their TOC (no payload is decompressed).
/// </summary>
public static class StartupCostEstimator
{
    /// <summary>Estimates the startup cost of every manifest <paramref name="source"/> selects.</summary>
    public static async Task<StartupCostReport> EstimateAsync(IImageSource source, StartupList startup, string? tempDirectory, CancellationToken cancellationToken = default)
    {
        var silent = new SilentConversionObserver();
        var request = new ConversionRequest { Prioritization = startup.Mode, PrioritizationFile = startup.File, TempDirectory = tempDirectory };
        using var store = LayerStore.Temporary(tempDirectory);
        var planner = new PrioritizationPlanner(request, store, silent);
        var platforms = new List<PlatformImage>();
        foreach (var image in await source.ResolveAsync(cancellationToken).ConfigureAwait(false))
            platforms.AddRange(await ImageWalker.CollectAsync(source, image.Descriptor, silent, cancellationToken).ConfigureAwait(false));

        var tocs = new Dictionary<Digest, object>();
        var report = new List<PlatformStartupCost>();
        foreach (var group in platforms.DistinctBy(p => p.Manifest.Digest).GroupBy(p => (p.Platform.ToString(), p.Manifest.Value.Layers.Count)))
        {
            var members = group.ToList();
            var basis = members.FirstOrDefault(p => p.Manifest.Value.Layers.All(l => LayerKinds.FormatName(LayerKinds.Of(l)) is null)) ?? members[0];
            var plan = await planner.PlanAsync(source, basis, cancellationToken).ConfigureAwait(false);
            var listed = plan.Layers.Select(names => names.Select(ImagePath.Normalize).ToHashSet(StringComparer.Ordinal)).ToList();
            var manifests = new List<ManifestStartupCost>();
            foreach (var platform in members)
            {
                var layers = new List<LayerStartupCost>();
                var inspected = new List<InspectedLayer>();
                for (var i = 0; i < platform.Manifest.Value.Layers.Count; i++)
                {
                    var layer = platform.Manifest.Value.Layers[i];
                    var kind = LayerKinds.Of(layer);
                    inspected.Add(new InspectedLayer(layer, kind, platform.Config.DiffIds[i], null, null));
                    layers.Add(kind switch
                    {
                        LayerKinds.EStargz => EStargzCost(layer, (EStargzTocView)await TocAsync(source, layer, kind, tocs, tempDirectory, cancellationToken).ConfigureAwait(false), listed[i]),
                        LayerKinds.ZstdChunked => ZstdChunkedCost(layer, (ZstdChunkedTocView)await TocAsync(source, layer, kind, tocs, tempDirectory, cancellationToken).ConfigureAwait(false), listed[i]),
                        _ => new LayerStartupCost(layer, kind, 0, 0, 0, layer.Size, listed[i].Count, 0),
                    });
                }
                manifests.Add(new ManifestStartupCost(platform.Descriptor, platform.Platform, ImageInspector.VariantOf(platform.Descriptor, inspected), layers));
            }
            report.Add(new PlatformStartupCost(basis.Platform, plan, manifests));
        }
        return new StartupCostReport(startup.Mode.ToString().ToLowerInvariant(), report);
    }

    /// <summary>The cost of an eStargz layer for the listed image paths it provides.</summary>
    public static LayerStartupCost EStargzCost(Descriptor layer, EStargzTocView toc, IReadOnlySet<string> listed)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var pieces = new Dictionary<string, List<EStargzTocEntry>>(StringComparer.Ordinal);
        EStargzTocEntry? landmark = null;
        foreach (var e in toc.Toc.Entries)
        {
            var path = "/" + e.CleanName;
            names.Add(path);
            if (e.Type == EStargzEntryTypes.HardLink) links[path] = "/" + EStargzTocEntry.CleanEntryName(e.LinkName);
            if (!e.HasPayload) continue;
            if (e.CleanName == EStargzLandmark.Prefetch) landmark ??= e;
            if (!pieces.TryGetValue(path, out var list)) pieces[path] = list = [];
            list.Add(e);
        }
        var prefetchEnd = landmark is null ? 0 : toc.MemberEnd(landmark.Offset);
        var counted = new HashSet<long>();
        long onDemand = 0;
        int found = 0, outsideFiles = 0;
        foreach (var path in listed)
        {
            if (!names.Contains(path)) continue;
            found++;
            if (!pieces.TryGetValue(links.GetValueOrDefault(path, path), out var list)) continue;
            var outside = list.Where(e => e.Offset >= prefetchEnd).ToList();
            if (outside.Count > 0) outsideFiles++;
            foreach (var e in outside.Where(e => counted.Add(e.Offset))) onDemand += toc.MemberEnd(e.Offset) - e.Offset;
        }
        return new LayerStartupCost(layer, LayerKinds.EStargz, prefetchEnd, onDemand, toc.MetadataBytes, 0, found, outsideFiles);
    }

    /// <summary>The cost of a zstd:chunked layer for the listed image paths it provides.</summary>
    public static LayerStartupCost ZstdChunkedCost(Descriptor layer, ZstdChunkedTocView toc, IReadOnlySet<string> listed)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var frames = new Dictionary<string, (long Offset, long End)>(StringComparer.Ordinal);
        foreach (var e in toc.Entries)
        {
            var path = ImagePath.Normalize(e.Name);
            names.Add(path);
            if (e.Type == "hardlink") links[path] = ImagePath.Normalize(e.LinkName);
            // A file's frames are contiguous: [offset, endOffset) of its reg entry covers every chunk.
            if (e.Type == "reg" && e.EndOffset > e.Offset) frames[path] = (e.Offset, e.EndOffset);
        }
        var counted = new HashSet<long>();
        long bytes = 0;
        int found = 0, fetched = 0;
        foreach (var path in listed)
        {
            if (!names.Contains(path)) continue;
            found++;
            if (!frames.TryGetValue(links.GetValueOrDefault(path, path), out var range)) continue;
            fetched++;
            if (counted.Add(range.Offset)) bytes += range.End - range.Offset;
        }
        return new LayerStartupCost(layer, LayerKinds.ZstdChunked, 0, bytes, toc.MetadataBytes, 0, found, fetched);
    }

    private static async Task<object> TocAsync(IImageSource source, Descriptor layer, string kind, Dictionary<Digest, object> cache, string? tempDirectory, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(layer.Digest, out var known)) return known;
        using var copy = await LocalBlobCopy.CreateAsync(source, layer, tempDirectory, cancellationToken).ConfigureAwait(false);
        if (copy.Digest != layer.Digest)
            throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"{source.DisplayName}: layer {layer.Digest} hashes to {copy.Digest}");
        await using var blob = copy.Open();
        try
        {
            object toc = kind == LayerKinds.EStargz ? EStargzTocReader.Read(blob) : ZstdChunkedTocReader.Read(blob, layer.Annotations);
            cache[layer.Digest] = toc;
            return toc;
        }
        catch (FormatException e)
        {
            throw new ChunkedBuildException(ErrorCodes.ValidationFailed, $"{source.DisplayName}: {kind} layer {layer.Digest}: cannot read its TOC: {e.Message}", innerException: e);
        }
    }
}
