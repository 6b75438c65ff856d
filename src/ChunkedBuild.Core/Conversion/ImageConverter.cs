using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// Converts whole images: every platform of the source, every layer, into every requested variant, in parallel (bounded by
/// <see cref="ConversionRequest.Jobs"/>), then writes blobs, configs, manifests, indexes and tags to the sink and commits. A layer shared
/// by several platforms is converted once. The output depends only on the input and the request, never on timing or core count.
/// The steps: walk (<see cref="ImageWalker"/>), plan, convert layers and build manifests (<see cref="LayerScheduler"/>), publish
/// (<see cref="VariantPublisher"/>), commit; then the registry cache's record and the registry check.
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
            // The edges check the levels under their options' names (Settings.ConversionOptions); this is the same rule for direct callers.
            if (variant.Format() is { } format && request.LevelFor(format) is { } level) Settings.ConversionSettings.CheckLevel("compression level", format, level);
        }
        _request = request with { Variants = LayerVariants.InPublishOrder(request.Variants) };
        foreach (var tag in request.Tags) ImageTag.Validate(tag);
        _observer = observer ?? new SilentConversionObserver();
    }

    /// <summary>Converts the images <paramref name="source"/> selects and writes them to <paramref name="sink"/>.</summary>
    public async Task<ConversionResult> ConvertAsync(IImageSource source, IImageSink sink, CancellationToken cancellationToken = default)
    {
        var observer = new WarningCollector(_observer);
        // Every temporary file of the run lives in one scratch folder: removed at the end, or by the next run when this one is killed.
        using var scratch = ScratchFolder.Create(_request.TempDirectory);
        var request = _request with { TempDirectory = scratch.Path };
        using var store = request.CacheDirectory is null ? LayerStore.Temporary(scratch.Path) : LayerStore.Persistent(request.CacheDirectory);
        await using var registryCache = RegistryLayerCache.Create(request, sink, _registry, store, observer);

        // 1. Walk: the images the source selects, each platform with the variants it already holds, and the tags each is published under.
        var images = new List<WalkedImage>();
        foreach (var image in await source.ResolveAsync(cancellationToken).ConfigureAwait(false))
        {
            var platforms = await ImageWalker.PlatformsAsync(source, image, observer, cancellationToken).ConfigureAwait(false);
            images.Add(new WalkedImage(image, VariantPublisher.TagsFor(request, image), platforms));
        }
        // 2. Plan: which platforms need a prioritization plan and which layer listings the zstd:chunked conversions share with the planner.
        using var scheduler = new LayerScheduler(request, images, source, sink, store, registryCache, observer, scratch.NewPath("listings"), cancellationToken);
        // 3. Convert layers and 4. build manifests: every layer once per variant, every blob and config written to the sink once.
        var built = await scheduler.ConvertAsync(images).ConfigureAwait(false);
        var plans = await scheduler.PlansAsync().ConfigureAwait(false);
        // 5. Publish: the manifests, their prioritization records, then the index or the per-variant tags, in LayerVariants.PublishOrder.
        var tags = await new VariantPublisher(request, source, sink).PublishAsync(built, plans, cancellationToken).ConfigureAwait(false);
        // 6. Commit.
        cancellationToken.ThrowIfCancellationRequested();
        await sink.CommitAsync(cancellationToken).ConfigureAwait(false);

        // Recorded once the image is published: a cache never names conversions of an image that failed.
        var allManifests = built.SelectMany(b => b.Manifests).ToList();
        var registryReport = registryCache is null ? null
            : await registryCache.ExportAsync([.. allManifests.SelectMany(m => m.Layers).Select(l => l.CacheKey).OfType<string>()], sink, cancellationToken).ConfigureAwait(false);
        var registryCheck = sink is RegistryImageSink pushed && request.CheckRegistry
            ? await PushRegistryCheck.CheckAsync(_rangeProbe, pushed, allManifests, observer, cancellationToken).ConfigureAwait(false) : null;

        return new ConversionResult
        {
            RegistryCache = registryReport,
            RegistryCheck = registryCheck,
            Tags = tags,
            Plans = plans,
            Variants = VariantSummaries.For(request.Variants, allManifests, images.SelectMany(i => i.Platforms).Select(p => p.Base).ToList()),
            Warnings = observer.Warnings,
        };
    }
}
