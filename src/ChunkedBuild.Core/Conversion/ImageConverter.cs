using System.Collections.Concurrent;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Oci.Transport;
using ChunkedBuild.Core.Registry;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// Converts whole images: every platform of the source, every layer, into every requested variant, in parallel (bounded by
/// <see cref="ConversionRequest.Jobs"/>), then writes blobs, configs, manifests, indexes and tags to the sink and commits. A layer shared
/// by several platforms is converted once. The output depends only on the input and the request, never on timing or core count.
/// </summary>
public sealed class ImageConverter
{
    private readonly ConversionRequest _request;
    private readonly IConversionObserver _observer;
    private readonly IRegistryTransport? _registry;
    private readonly RangeProbe _rangeProbe = new();

    /// <summary>Creates a converter for <paramref name="request"/>.</summary>
    /// <param name="request">What to convert and how.</param>
    /// <param name="observer">Hears about layers, warnings and progress.</param>
    /// <param name="registry">Registry access for the registry caches <see cref="ConversionRequest.RegistryCache"/> names that are not the destination's.</param>
    public ImageConverter(ConversionRequest request, IConversionObserver? observer = null, IRegistryTransport? registry = null)
    {
        _registry = registry;
        if (request.Variants.Count == 0) throw new ChunkedBuildException(ErrorCodes.InvalidOption, "no variant to produce");
        if (request.Jobs < 1) throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"--jobs must be at least 1 (got {request.Jobs})");
        foreach (var variant in request.Variants)
        {
            if (variant.Format() is { } format && request.LevelFor(format) is { } level && !format.Levels.Contains(level))
            {
                throw new ChunkedBuildException(ErrorCodes.InvalidOption,
                    $"compression level {level} is out of range for {variant.Name()} ({format.Levels.Min}-{format.Levels.Max}); set --zstd-level / --gzip-level separately");
            }
        }
        _request = request with { Variants = LayerVariants.InPublishOrder(request.Variants) };
        foreach (var tag in request.Tags) ImageTag.Validate(tag);
        _observer = observer ?? new SilentConversionObserver();
    }

    /// <summary>Converts the images <paramref name="source"/> selects and writes them to <paramref name="sink"/>.</summary>
    public async Task<ConversionResult> ConvertAsync(IImageSource source, IImageSink sink, CancellationToken cancellationToken = default)
    {
        var warnings = new ConcurrentQueue<string>();
        var observer = new WarningCollector(_observer, warnings);
        // Every temporary file of the run lives in one scratch folder: removed at the end, or by the next run when this one is killed.
        using var scratch = ScratchFolder.Create(_request.TempDirectory ?? Path.GetTempPath());
        var request = _request with { TempDirectory = scratch.Path };
        using var store = request.CacheDirectory is null ? LayerStore.Temporary(scratch.Path) : LayerStore.Persistent(request.CacheDirectory);
        await using var registryCache = RegistryLayerCache.Create(request, sink, _registry, store, observer);
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = failFast.Token;

        var images = await source.ResolveAsync(token).ConfigureAwait(false);
        var roots = new List<(SourceImage Image, IReadOnlyList<string> Tags, IReadOnlyList<SourcePlatform> Platforms)>();
        foreach (var image in images)
        {
            var manifests = new List<PlatformImage>();
            foreach (var root in image.Roots) manifests.AddRange(await ImageWalker.CollectAsync(source, root, observer, token).ConfigureAwait(false));
            roots.Add((image, TagsFor(image), SourcePlatform.Group(manifests)));
        }

        // What each variant of each platform is made from: the variant the source already holds, else the platform's base manifest.
        var work = roots.SelectMany(r => r.Platforms).SelectMany(p => request.Variants.Select(v => (Variant: v, Source: p.SourceFor(v)))).ToList();
        var plannedPlatforms = work.Where(w => NeedsPlan(w.Variant) && !w.Source.Manifest.Value.Layers.All(l => w.Variant.Holds(l)))
            .Select(w => w.Source).DistinctBy(p => p.Manifest.Digest).ToList();
        var planner = plannedPlatforms.Count > 0 ? new PrioritizationPlanner(request, store, observer) : null;
        // When zstd:chunked keeps tar order it reads every layer anyway: its conversions list the layers for the planner.
        var shareListings = planner is not null && request.Variants.Contains(LayerVariant.ZstdChunked) && !NeedsPlan(LayerVariant.ZstdChunked);
        var listings = shareListings ? new ListingExchange() : null;
        var listingFolder = scratch.NewPath("listings");
        if (listings is not null)
        {
            foreach (var layer in work.Where(w => w.Variant == LayerVariant.ZstdChunked).SelectMany(w => w.Source.Manifest.Value.Layers).DistinctBy(l => l.Digest))
                if (!LayerVariant.ZstdChunked.Holds(layer)) listings.Expect(layer.Digest);
        }
        var transcoder = new LayerTranscoder(source, store, request, observer, listings, listingFolder, registryCache);
        // eStargz layers wait for the prioritization plans (a pass over every layer's listing); zstd:chunked layers keep tar order and start at once.
        var plans = new Lazy<Task<Dictionary<Digest, PrioritizationPlan>>>(() => Task.Run(() => PlanAsync(planner!, source, plannedPlatforms, listings, token), token));
        // Where each layer sits (platform, position), in platform order: one pass, so finding a layer's places costs nothing per layer.
        var placesOfLayer = plannedPlatforms.SelectMany(p => p.Manifest.Value.Layers.Select((l, i) => (Layer: l.Digest, Platform: p, Index: i))).ToLookup(x => x.Layer);
        async Task<IReadOnlyList<string>> PrioritizedAsync(Descriptor layer, LayerVariant variant)
        {
            if (!NeedsPlan(variant) || variant.Holds(layer)) return [];
            if (request.PrioritizedFiles.TryGetValue(layer.Digest, out var explicitList)) return explicitList;
            var byManifest = await plans.Value.ConfigureAwait(false);
            // A layer shared by several platforms gets the union of their lists, in platform order: independent of timing.
            return placesOfLayer[layer.Digest].SelectMany(x => byManifest[x.Platform.Manifest.Digest].Layers[x.Index]).Distinct(StringComparer.Ordinal).ToList();
        }
        using var jobs = new SemaphoreSlim(request.Jobs);
        var layerTasks = new ConcurrentDictionary<(Digest, LayerVariant), Lazy<Task<ConvertedLayer>>>();
        var blobTasks = new ConcurrentDictionary<Digest, Lazy<Task>>();

        Task<ConvertedLayer> Layer(Descriptor layer, Digest diffId, LayerVariant variant) =>
            layerTasks.GetOrAdd((layer.Digest, variant), _ => new Lazy<Task<ConvertedLayer>>(async () =>
            {
                ConvertedLayer converted;
                var prioritized = await PrioritizedAsync(layer, variant).ConfigureAwait(false);
                await jobs.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    converted = await Task.Run(() => transcoder.TranscodeAsync(layer, diffId, variant, prioritized, token), token).ConfigureAwait(false);
                }
                finally
                {
                    jobs.Release();
                }
                var content = converted.BlobFile is { } file
                    ? BlobContent.FromVerifiedFile(file, converted.BlobFingerprint) with
                    {
                        Origin = converted.BlobOrigin, CheckAfterWrite = registryCache?.WasDamaged(converted.Descriptor.Digest) == true,
                    }
                    : new BlobContent(ct => source.OpenBlobAsync(layer, ct), source);
                await Blob(converted.Descriptor, content).ConfigureAwait(false);
                return converted;
            })).Value;

        Task Blob(Descriptor descriptor, BlobContent content) =>
            blobTasks.GetOrAdd(descriptor.Digest, _ => new Lazy<Task>(() => sink.WriteBlobAsync(descriptor, content, token))).Value;

        var perImage = new List<(SourceImage Image, IReadOnlyList<string> Tags, Task<VariantManifest[]> Manifests)>();
        foreach (var (image, imageTags, platforms) in roots)
        {
            var manifests = new List<Task<VariantManifest>>();
            foreach (var platform in platforms)
            {
                foreach (var variant in request.Variants)
                {
                    var from = platform.SourceFor(variant);
                    var layers = from.Manifest.Value.Layers.Select((l, i) => Layer(l, from.Config.DiffIds[i], variant)).ToList();
                    manifests.Add(BuildAsync(from, variant, layers));
                }
            }
            perImage.Add((image, imageTags, Task.WhenAll(manifests)));
        }

        async Task<VariantManifest> BuildAsync(PlatformImage platform, LayerVariant variant, List<Task<ConvertedLayer>> layers)
        {
            var built = VariantManifestBuilder.Build(platform, variant, await Task.WhenAll(layers).ConfigureAwait(false));
            await Blob(built.ConfigDescriptor, BlobContent.FromBytes(built.ConfigRaw)).ConfigureAwait(false);
            return built;
        }

        var results = new List<(SourceImage Image, IReadOnlyList<string> Tags, VariantManifest[] Manifests)>();
        try
        {
            foreach (var (image, imageTags, manifests) in perImage) results.Add((image, imageTags, await manifests.ConfigureAwait(false)));
            await Task.WhenAll(blobTasks.Values.Select(b => b.Value)).ConfigureAwait(false);
        }
        catch
        {
            await failFast.CancelAsync().ConfigureAwait(false);
            // Let every started task finish (they observe the token) so no temp file stays open, then report the first real failure.
            var all = layerTasks.Values.Where(l => l.IsValueCreated).Select(l => (Task)l.Value).Concat(blobTasks.Values.Where(b => b.IsValueCreated).Select(b => b.Value));
            try { await Task.WhenAll(all).ConfigureAwait(false); } catch { /* the first failure is rethrown below */ }
            var first = all.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).FirstOrDefault(e => e is not OperationCanceledException);
            if (first is not null && !cancellationToken.IsCancellationRequested) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            throw;
        }

        var tags = new List<PublishedTag>();
        foreach (var (image, imageTags, manifests) in results)
        {
            foreach (var manifest in manifests.DistinctBy(m => m.Descriptor.Digest))
                await sink.WriteManifestAsync(manifest.Descriptor, manifest.ManifestRaw, token).ConfigureAwait(false);
            var byManifest = plans.IsValueCreated ? await plans.Value.ConfigureAwait(false) : [];
            foreach (var manifest in manifests.Where(m => m.Variant != LayerVariant.Original).DistinctBy(m => m.Descriptor.Digest))
            {
                if (byManifest.TryGetValue(manifest.SourceManifest, out var plan) && plan.Paths.Count > 0)
                    await PrioritizationRecord.WriteAsync(sink, source, manifest, plan, request.TempDirectory, token).ConfigureAwait(false);
                else if (manifest.Descriptor.Digest == manifest.SourceManifest)
                    await PrioritizationRecord.CopyAsync(sink, source, manifest.Descriptor.Digest, token).ConfigureAwait(false); // passed through: its record too
            }
            tags.AddRange(await PublishAsync(sink, image, manifests, imageTags, token).ConfigureAwait(false));
        }
        token.ThrowIfCancellationRequested();
        await sink.CommitAsync(token).ConfigureAwait(false);

        // Recorded once the image is published: a cache never names conversions of an image that failed.
        var allManifests = results.SelectMany(r => r.Manifests).ToList();
        var registryReport = registryCache is null ? null
            : await registryCache.ExportAsync([.. allManifests.SelectMany(m => m.Layers).Select(l => l.CacheKey).OfType<string>()], sink, token).ConfigureAwait(false);
        var registryCheck = sink is RegistryImageSink pushed && request.CheckRegistry ? await CheckRegistryAsync(pushed, allManifests, observer, token).ConfigureAwait(false) : null;

        return new ConversionResult
        {
            RegistryCache = registryReport,
            RegistryCheck = registryCheck,
            Tags = tags,
            Plans = plans.IsValueCreated ? await plans.Value.ConfigureAwait(false) : new Dictionary<Digest, PrioritizationPlan>(),
            Variants = Summaries(results.SelectMany(r => r.Manifests).ToList(), roots.SelectMany(r => r.Platforms).Select(p => p.Base).ToList()),
            Warnings = [.. warnings],
        };
    }

    /// <summary>
    /// Probes the destination repository's <c>Range</c> support (once per registry and repository for this converter) on the smallest
    /// converted layer it now holds, compared with the local copy; warns (CHB4011) per variant whose pulls will not work. A probe that
    /// cannot run is a warning too: the image is published either way.
    /// </summary>
    private async Task<RegistryCheckReport?> CheckRegistryAsync(RegistryImageSink sink, IReadOnlyList<VariantManifest> manifests, IConversionObserver observer, CancellationToken token)
    {
        var variants = manifests.Select(m => m.Variant).Where(v => v != LayerVariant.Original).Distinct().ToList();
        var probed = manifests.Where(m => m.Variant != LayerVariant.Original).SelectMany(m => m.Layers)
            .Where(l => l.Descriptor.Size >= RangeProbe.MinimumBlobSize).OrderBy(l => l.Descriptor.Size).ThenBy(l => l.Descriptor.Digest.ToString(), StringComparer.Ordinal)
            .FirstOrDefault();
        if (variants.Count == 0 || probed is null) return null;
        try
        {
            var ranges = await _rangeProbe.ProbeAsync(sink.Client, sink.Reference, probed.Descriptor, ct => probed.BlobFile is { } file
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

    /// <summary>The tags an image is published under (the request's, else the source's, else <c>latest</c>), each checked with its variant suffixes.</summary>
    private IReadOnlyList<string> TagsFor(SourceImage image)
    {
        var fromSource = _request.Tags.Count == 0 && image.Tags.Count > 0;
        IReadOnlyList<string> tags = _request.Tags.Count > 0 ? _request.Tags : fromSource ? image.Tags : ["latest"];
        foreach (var tag in tags)
        {
            foreach (var written in _request.Publish == PublishMode.Tags ? _request.Variants.Select(v => tag + v.TagSuffix()) : [tag])
                ImageTag.Validate(written, fromSource ? $"the source's tag {ImageTag.Quote(tag)} gives" : null);
        }
        return tags;
    }

    /// <summary>eStargz always orders by the plan; zstd:chunked only when asked (it keeps tar order, and the DiffID, by default).</summary>
    private bool NeedsPlan(LayerVariant variant) => variant == LayerVariant.EStargz || (variant == LayerVariant.ZstdChunked && _request.ZstdPrioritizedOrder);

    private static async Task<Dictionary<Digest, PrioritizationPlan>> PlanAsync(PrioritizationPlanner planner, IImageSource source, List<PlatformImage> platforms, ListingExchange? listings, CancellationToken token)
    {
        var plans = new Dictionary<Digest, PrioritizationPlan>();
        foreach (var platform in platforms.DistinctBy(p => p.Manifest.Digest))
            plans[platform.Manifest.Digest] = await planner.PlanAsync(source, platform, listings, token).ConfigureAwait(false);
        return plans;
    }

    private async Task<List<PublishedTag>> PublishAsync(IImageSink sink, SourceImage image, VariantManifest[] manifests, IReadOnlyList<string> imageTags, CancellationToken token)
    {
        var published = new List<PublishedTag>();
        if (_request.Publish == PublishMode.Index)
        {
            // Per platform, in source order, the variants in publish order (LayerVariants.PublishOrder: gzip-compatible first, zstd:chunked last).
            var ordered = manifests.GroupBy(m => m.Platform.ToString()).SelectMany(g => g.OrderBy(m => m.Variant.PublishRank())).Select(m => m.Descriptor).ToList();
            var index = OciDocument<ImageIndex>.Create(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = ordered });
            var descriptor = index.Describe(MediaTypes.OciIndex);
            await sink.WriteManifestAsync(descriptor, index.Raw, token).ConfigureAwait(false);
            foreach (var tag in imageTags)
            {
                await sink.TagAsync(descriptor, tag, token).ConfigureAwait(false);
                published.Add(new PublishedTag(tag, descriptor, null));
            }
            return published;
        }

        var isIndex = MediaTypes.IsIndex(image.Descriptor.MediaType);
        foreach (var variant in _request.Variants)
        {
            var variantManifests = manifests.Where(m => m.Variant == variant).ToList();
            Descriptor descriptor;
            if (!isIndex && variantManifests.Count == 1)
            {
                descriptor = variantManifests[0].Descriptor with { Platform = null, Annotations = null };
            }
            else
            {
                var index = OciDocument<ImageIndex>.Create(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = variantManifests.Select(m => m.Descriptor).ToList() });
                descriptor = index.Describe(MediaTypes.OciIndex);
                await sink.WriteManifestAsync(descriptor, index.Raw, token).ConfigureAwait(false);
            }
            foreach (var tag in imageTags)
            {
                var variantTag = tag + variant.TagSuffix();
                await sink.TagAsync(descriptor, variantTag, token).ConfigureAwait(false);
                published.Add(new PublishedTag(variantTag, descriptor, variant));
            }
        }
        return published;
    }

    private List<VariantSummary> Summaries(List<VariantManifest> manifests, List<PlatformImage> platforms)
    {
        var originalBytes = platforms.SelectMany(p => p.Manifest.Value.Layers).DistinctBy(l => l.Digest).Sum(l => l.Size);
        return _request.Variants.Select(variant =>
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

    /// <summary>Passes events on and remembers warnings for the result.</summary>
    private sealed class WarningCollector(IConversionObserver inner, ConcurrentQueue<string> warnings) : IConversionObserver
    {
        public void LayerStarted(LayerWork work) => inner.LayerStarted(work);

        public void LayerFinished(LayerWork work, ConvertedLayer layer) => inner.LayerFinished(work, layer);

        public void Warning(string code, string message)
        {
            warnings.Enqueue($"{code}: {message}");
            inner.Warning(code, message);
        }

        public void Info(string message) => inner.Info(message);
    }
}
