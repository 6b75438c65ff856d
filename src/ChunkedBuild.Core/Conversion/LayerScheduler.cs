using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// The middle of a conversion: plans, converts every layer and builds every manifest. Each source layer is converted once per variant
/// (shared by every platform and image that holds it), at most <see cref="ConversionRequest.Jobs"/> at a time; layers a plan orders
/// (eStargz, and zstd:chunked with <see cref="ConversionRequest.ZstdPrioritizedOrder"/>) wait for the prioritization plans, the others
/// start at once. Each blob (converted layer or config) is written to the sink once, as soon as it is ready; a manifest is built once its
/// layers are converted. The first failure cancels the rest and is rethrown once every started task has finished.
/// </summary>
internal sealed class LayerScheduler : IDisposable
{
    private readonly ConversionRequest _request;
    private readonly IImageSource _source;
    private readonly IImageSink _sink;
    private readonly RegistryLayerCache? _registryCache;
    private readonly LayerTranscoder _transcoder;
    private readonly Lazy<Task<Dictionary<Digest, PrioritizationPlan>>> _plans;
    private readonly ILookup<Digest, (Digest Layer, PlatformImage Platform, int Index)> _placesOfLayer;
    private readonly SemaphoreSlim _jobs;
    private readonly ConcurrentDictionary<(Digest, LayerVariant), Lazy<Task<ConvertedLayer>>> _layerTasks = new();
    private readonly ConcurrentDictionary<Digest, Lazy<Task>> _blobTasks = new();
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenSource _failFast;
    private readonly CancellationToken _token;

    /// <summary>Plans the conversion of <paramref name="images"/>: which platforms need a prioritization plan, which layers' listings are shared.</summary>
    /// <param name="request">The request (its temporary folder is the run's scratch folder).</param>
    /// <param name="images">What the walk found.</param>
    /// <param name="source">Where the layers are read.</param>
    /// <param name="sink">Where blobs are written.</param>
    /// <param name="store">The converted-layer store.</param>
    /// <param name="registryCache">The registry cache, if any.</param>
    /// <param name="observer">Hears about layers, warnings and progress.</param>
    /// <param name="listingFolder">Where layer listings shared with the planner are spooled.</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    public LayerScheduler(ConversionRequest request, IReadOnlyList<WalkedImage> images, IImageSource source, IImageSink sink, LayerStore store,
        RegistryLayerCache? registryCache, IConversionObserver observer, string listingFolder, CancellationToken cancellationToken)
    {
        _request = request;
        _source = source;
        _sink = sink;
        _registryCache = registryCache;
        _cancellationToken = cancellationToken;
        _failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _token = _failFast.Token;
        _jobs = new SemaphoreSlim(request.Jobs);

        // What each variant of each platform is made from: the variant the source already holds, else the platform's base manifest.
        var work = images.SelectMany(i => i.Platforms).SelectMany(p => request.Variants.Select(v => (Variant: v, Source: p.SourceFor(v)))).ToList();
        var plannedPlatforms = work.Where(w => NeedsPlan(w.Variant) && !w.Source.Manifest.Value.Layers.All(l => w.Variant.Holds(l)))
            .Select(w => w.Source).DistinctBy(p => p.Manifest.Digest).ToList();
        var planner = plannedPlatforms.Count > 0 ? new PrioritizationPlanner(request, store, observer) : null;
        // When zstd:chunked keeps tar order it reads every layer anyway: its conversions list the layers for the planner.
        var shareListings = planner is not null && request.Variants.Contains(LayerVariant.ZstdChunked) && !NeedsPlan(LayerVariant.ZstdChunked);
        var listings = shareListings ? new ListingExchange() : null;
        if (listings is not null)
        {
            foreach (var layer in work.Where(w => w.Variant == LayerVariant.ZstdChunked).SelectMany(w => w.Source.Manifest.Value.Layers).DistinctBy(l => l.Digest))
                if (!LayerVariant.ZstdChunked.Holds(layer)) listings.Expect(layer.Digest);
        }
        _transcoder = new LayerTranscoder(source, store, request, observer, listings, listingFolder, registryCache);
        // eStargz layers wait for the prioritization plans (a pass over every layer's listing); zstd:chunked layers keep tar order and start at once.
        _plans = new Lazy<Task<Dictionary<Digest, PrioritizationPlan>>>(() => Task.Run(() => PlanAsync(planner!, source, plannedPlatforms, listings, _token), _token));
        // Where each layer sits (platform, position), in platform order: one pass, so finding a layer's places costs nothing per layer.
        _placesOfLayer = plannedPlatforms.SelectMany(p => p.Manifest.Value.Layers.Select((l, i) => (Layer: l.Digest, Platform: p, Index: i))).ToLookup(x => x.Layer);
    }

    /// <summary>The prioritization plan of each planned source platform manifest (by its digest); empty when no layer needed one.</summary>
    public async Task<IReadOnlyDictionary<Digest, PrioritizationPlan>> PlansAsync() =>
        _plans.IsValueCreated ? await _plans.Value.ConfigureAwait(false) : new Dictionary<Digest, PrioritizationPlan>();

    /// <summary>
    /// Converts every layer of every platform of <paramref name="images"/> into every requested variant and builds the manifests, with
    /// every blob and config written to the sink.
    /// </summary>
    public async Task<IReadOnlyList<BuiltImage>> ConvertAsync(IReadOnlyList<WalkedImage> images)
    {
        var perImage = new List<(WalkedImage Image, Task<VariantManifest[]> Manifests)>();
        foreach (var image in images)
        {
            var manifests = new List<Task<VariantManifest>>();
            foreach (var platform in image.Platforms)
            {
                foreach (var variant in _request.Variants)
                {
                    var from = platform.SourceFor(variant);
                    var layers = from.Manifest.Value.Layers.Select((l, i) => Layer(l, from.Config.DiffIds[i], variant)).ToList();
                    manifests.Add(BuildAsync(from, variant, layers));
                }
            }
            perImage.Add((image, Task.WhenAll(manifests)));
        }

        var built = new List<BuiltImage>();
        try
        {
            foreach (var (image, manifests) in perImage) built.Add(new BuiltImage(image.Image, image.Tags, await manifests.ConfigureAwait(false)));
            await Task.WhenAll(_blobTasks.Values.Select(b => b.Value)).ConfigureAwait(false);
        }
        catch
        {
            await _failFast.CancelAsync().ConfigureAwait(false);
            // Let every started task finish (they observe the token) so no temp file stays open, then report the first real failure.
            var all = _layerTasks.Values.Where(l => l.IsValueCreated).Select(l => (Task)l.Value).Concat(_blobTasks.Values.Where(b => b.IsValueCreated).Select(b => b.Value));
            try { await Task.WhenAll(all).ConfigureAwait(false); } catch { /* the first failure is rethrown below */ }
            var first = all.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).FirstOrDefault(e => e is not OperationCanceledException);
            if (first is not null && !_cancellationToken.IsCancellationRequested) ExceptionDispatchInfo.Throw(first);
            throw;
        }
        return built;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _jobs.Dispose();
        _failFast.Dispose();
    }

    /// <summary>eStargz always orders by the plan; zstd:chunked only when asked (it keeps tar order, and the DiffID, by default).</summary>
    private bool NeedsPlan(LayerVariant variant) => variant == LayerVariant.EStargz || (variant == LayerVariant.ZstdChunked && _request.ZstdPrioritizedOrder);

    /// <summary>The source layer <paramref name="layer"/> in <paramref name="variant"/>: converted once, its blob written once.</summary>
    private Task<ConvertedLayer> Layer(Descriptor layer, Digest diffId, LayerVariant variant) =>
        _layerTasks.GetOrAdd((layer.Digest, variant), _ => new Lazy<Task<ConvertedLayer>>(async () =>
        {
            ConvertedLayer converted;
            var prioritized = await PrioritizedAsync(layer, variant).ConfigureAwait(false);
            await _jobs.WaitAsync(_token).ConfigureAwait(false);
            try
            {
                converted = await Task.Run(() => _transcoder.TranscodeAsync(layer, diffId, variant, prioritized, _token), _token).ConfigureAwait(false);
            }
            finally
            {
                _jobs.Release();
            }
            var content = converted.BlobFile is { } file
                ? BlobContent.FromVerifiedFile(file, converted.BlobFingerprint) with
                {
                    Origin = converted.BlobOrigin, CheckAfterWrite = _registryCache?.WasDamaged(converted.Descriptor.Digest) == true,
                }
                : new BlobContent(ct => _source.OpenBlobAsync(layer, ct), _source);
            await Blob(converted.Descriptor, content).ConfigureAwait(false);
            return converted;
        })).Value;

    private Task Blob(Descriptor descriptor, BlobContent content) =>
        _blobTasks.GetOrAdd(descriptor.Digest, _ => new Lazy<Task>(() => _sink.WriteBlobAsync(descriptor, content, _token))).Value;

    private async Task<VariantManifest> BuildAsync(PlatformImage platform, LayerVariant variant, List<Task<ConvertedLayer>> layers)
    {
        var built = VariantManifestBuilder.Build(platform, variant, await Task.WhenAll(layers).ConfigureAwait(false));
        await Blob(built.ConfigDescriptor, BlobContent.FromBytes(built.ConfigRaw)).ConfigureAwait(false);
        return built;
    }

    /// <summary>The files to put first in <paramref name="layer"/>: the request's explicit list, else the plans' (none when no plan orders it).</summary>
    private async Task<IReadOnlyList<string>> PrioritizedAsync(Descriptor layer, LayerVariant variant)
    {
        if (!NeedsPlan(variant) || variant.Holds(layer)) return [];
        if (_request.PrioritizedFiles.TryGetValue(layer.Digest, out var explicitList)) return explicitList;
        var byManifest = await _plans.Value.ConfigureAwait(false);
        // A layer shared by several platforms gets the union of their lists, in platform order: independent of timing.
        return _placesOfLayer[layer.Digest].SelectMany(x => byManifest[x.Platform.Manifest.Digest].Layers[x.Index]).Distinct(StringComparer.Ordinal).ToList();
    }

    private static async Task<Dictionary<Digest, PrioritizationPlan>> PlanAsync(PrioritizationPlanner planner, IImageSource source, List<PlatformImage> platforms,
        ListingExchange? listings, CancellationToken token)
    {
        var plans = new Dictionary<Digest, PrioritizationPlan>();
        foreach (var platform in platforms.DistinctBy(p => p.Manifest.Digest))
            plans[platform.Manifest.Digest] = await planner.PlanAsync(source, platform, listings, token).ConfigureAwait(false);
        return plans;
    }
}
