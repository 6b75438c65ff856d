using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion.Planning;

/// <summary>What a lazy or partial puller fetches from one layer before the app starts.</summary>
/// <param name="Layer">The layer descriptor.</param>
/// <param name="Format">estargz, zstd:chunked, gzip, zstd or tar.</param>
/// <param name="PrefetchBytes">eStargz: the prefetch range, from the layer start to the end of the <c>.prefetch.landmark</c> member (0 without one).</param>
/// <param name="OnDemandBytes">Compressed bytes of the listed files outside the prefetch range (eStargz: their chunks' gzip members; zstd:chunked: their frames).</param>
/// <param name="MetadataBytes">eStargz: the TOC member and footer; zstd:chunked: the TOC and tar-split frames.</param>
/// <param name="WholeBytes">A layer that is not lazily pullable (gzip, zstd, tar) is fetched whole: its size; else 0.</param>
/// <param name="ListedFiles">The listed files this layer provides (whose merged version comes from it).</param>
/// <param name="FilesOnDemand">Of those, the ones with content outside the prefetch range.</param>
/// <param name="Ranges">Separate byte ranges fetched (adjacent ones merged): one prefetch range beats many on-demand reads at equal bytes.</param>
/// <param name="OnDemandRanges">Of those, the ranges of listed files outside the prefetch range (adjacent ones merged): each is a read the
/// starting app waits for.</param>
public sealed record LayerStartupCost(Descriptor Layer, string Format, long PrefetchBytes, long OnDemandBytes, long MetadataBytes, long WholeBytes, int ListedFiles,
    int FilesOnDemand, int Ranges, int OnDemandRanges = 0)
{
    /// <summary>Everything fetched from this layer before the app starts.</summary>
    public long TotalBytes => PrefetchBytes + OnDemandBytes + MetadataBytes + WholeBytes;
}

/// <summary>The startup cost of one platform manifest (one variant of one platform).</summary>
/// <param name="Manifest">The manifest descriptor.</param>
/// <param name="Platform">Its platform.</param>
/// <param name="Variant">estargz, zstd-chunked, original or mixed.</param>
/// <param name="Layers">Per layer, base first.</param>
public sealed record ManifestStartupCost(Descriptor Manifest, Platform Platform, string Variant, IReadOnlyList<LayerStartupCost> Layers)
{
    /// <summary>Bytes fetched before the app starts (all layers).</summary>
    public long StartupBytes => Layers.Sum(l => l.TotalBytes);

    /// <summary>Separate byte ranges fetched before the app starts (all layers).</summary>
    public int Ranges => Layers.Sum(l => l.Ranges);

    /// <summary>On-demand reads the starting app waits for (all layers).</summary>
    public int OnDemandRanges => Layers.Sum(l => l.OnDemandRanges);

    /// <summary>Compressed bytes of the listed files outside the prefetch ranges (all layers).</summary>
    public long OnDemandBytes => Layers.Sum(l => l.OnDemandBytes);

    /// <summary>The manifest's compressed layer bytes: what a full pull fetches.</summary>
    public long ImageBytes => Layers.Sum(l => l.Layer.Size);

    /// <summary><see cref="StartupBytes"/> / <see cref="ImageBytes"/> (0 for an image without layers).</summary>
    public double Fraction => ImageBytes == 0 ? 0 : (double)StartupBytes / ImageBytes;
}

/// <summary>The startup list of one platform and the cost of each of its manifests.</summary>
/// <param name="Platform">The platform.</param>
/// <param name="Plan">The startup list (image paths, per-layer split, source, reason when empty).</param>
/// <param name="Manifests">The platform's manifests (its variants), in index order.</param>
public sealed record PlatformStartupCost(Platform Platform, PrioritizationPlan Plan, IReadOnlyList<ManifestStartupCost> Manifests);

/// <summary>The lazy-pull cost report of an image: per platform, the startup list and what each variant fetches before the app starts.</summary>
/// <param name="Source">Where the startup list came from: auto, manifest or record.</param>
/// <param name="Platforms">Per platform, in index order.</param>
public sealed record StartupCostReport(string Source, IReadOnlyList<PlatformStartupCost> Platforms);
