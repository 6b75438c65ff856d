using ChunkedBuild.Core.Formats;

namespace ChunkedBuild.Core.Conversion.Planning;

/// <summary>
/// The time a pull spends on the network before the app can start, from the bytes of Inspection's <c>StartupCostEstimator</c> and a
/// <see cref="LinkProfile"/>: bytes cross at the link's rate (parallel transfers share it) and each request that something waits for costs a
/// round trip. It leaves out what the machine does besides the network — decompressing and unpacking layers (a full pull), FUSE reads,
/// the app's own start — so a measured start is longer; <c>bench --lazy</c> prints both.
/// <list type="bullet">
/// <item>Full pull (containerd <c>pull</c>, Podman): resolving the tag (HEAD, index, manifest, config: <see cref="ResolveRoundTrips"/>), one
/// round trip for the parallel layer GETs and their connections, then every layer's bytes.</item>
/// <item>eStargz, lazily (stargz-snapshotter): resolving the tag, each layer's setup in parallel (<see cref="LazySetupRoundTrips"/>: a
/// connection, the redirect probe, HEAD, footer and TOC), one round trip for the prefetch GETs, the prefetch, TOC and whole-layer bytes
/// together, then the on-demand reads one after the other (the starting app waits for each: a round trip and its bytes).</item>
/// </list>
/// </summary>
public static class StartupTimeModel
{
    /// <summary>Resolving a tag: HEAD of the tag, GET of the index, GET of the platform manifest, GET of the config.</summary>
    public const int ResolveRoundTrips = 4;

    /// <summary>A lazy layer's setup before its prefetch starts: a new connection, the redirect probe (a 2-byte range), HEAD, footer + TOC.</summary>
    public const int LazySetupRoundTrips = 4;

    /// <summary>The network time of pulling <paramref name="manifest"/> whole (every layer fetched before the container can start).</summary>
    public static TimeSpan FullPull(ManifestStartupCost manifest, LinkProfile link) =>
        link.RoundTrip * (ResolveRoundTrips + 1) + link.Serialization(manifest.ImageBytes);

    /// <summary>
    /// The network time before the app of <paramref name="manifest"/> has every file it starts with, pulled lazily. A manifest without lazy
    /// layers is a full pull.
    /// </summary>
    public static TimeSpan Lazy(ManifestStartupCost manifest, LinkProfile link)
    {
        if (manifest.Layers.All(l => l.WholeBytes > 0)) return FullPull(manifest, link);
        var together = manifest.Layers.Sum(l => l.PrefetchBytes + l.MetadataBytes + l.WholeBytes);
        return link.RoundTrip * (ResolveRoundTrips + LazySetupRoundTrips + 1 + manifest.OnDemandRanges)
            + link.Serialization(together) + link.Serialization(manifest.OnDemandBytes);
    }

    /// <summary>The estimate for how <paramref name="manifest"/>'s variant is pulled: lazily for eStargz, whole otherwise (containers/storage
    /// fetches every file a zstd:chunked layer holds before the container starts; a local store only saves what it already has).</summary>
    public static TimeSpan ForVariant(ManifestStartupCost manifest, LinkProfile link) =>
        manifest.Variant == LayerFormats.EStargz.Name ? Lazy(manifest, link) : FullPull(manifest, link);
}
