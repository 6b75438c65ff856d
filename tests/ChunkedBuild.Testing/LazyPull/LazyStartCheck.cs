using System.Globalization;

namespace ChunkedBuild.Testing.LazyPull;

/// <summary>
/// Whether a container really started lazily from an eStargz image, judged from what the snapshotter logged and what crossed the link.
/// <see cref="Failures"/> lists every broken expectation (empty: a lazy start):
/// <list type="bullet">
/// <item>every layer was mounted remotely (no mount error) with the manifest's TOC digest, and the library logged <c>verified</c> for its mountpoint;</item>
/// <item>every GET of a layer blob asked for a byte range and got <c>206</c>; no response carried a whole layer larger than one of the
/// snapshotter's blob chunks (a smaller layer comes whole with its footer: reads are aligned to the chunk);</item>
/// <item>each layer listed in <c>prefetched</c> has a <c>.prefetch.landmark</c> in its TOC and completed its prefetch up to it (no failure,
/// <c>prefetch_size</c> equal to the landmark's offset; without a landmark <c>ctr-remote rpull</c> makes the snapshotter prefetch the
/// layer's first 10 MiB blindly);</item>
/// <item>before the app printed, the layer bytes that crossed the link stayed below the image's layer bytes.</item>
/// </list>
/// </summary>
public static class LazyStartCheck
{
    /// <summary>stargz-snapshotter's default blob <c>chunk_size</c> (fs/remote): every registry read is aligned to it.</summary>
    public const long SnapshotterBlobChunk = 50_000;

    /// <summary>The broken expectations (see the type).</summary>
    /// <param name="image">The image that ran.</param>
    /// <param name="prefetched">Indices of the layers whose prioritized files must have been prefetched (from the good image's TOCs, so a
    /// layer whose landmark went missing still counts).</param>
    /// <param name="log">The snapshotter's log.</param>
    /// <param name="exchanges">The link's HTTP exchanges during the pull and the run.</param>
    /// <param name="printedAt">When the app's first output arrived (the link's clock).</param>
    public static IReadOnlyList<string> Failures(LazyImage image, IReadOnlySet<int> prefetched, SnapshotterLog log, IReadOnlyList<HttpExchange> exchanges, TimeSpan printedAt)
    {
        var failures = new List<string>();
        var blobs = image.Layers.ToDictionary(l => l.Digest, StringComparer.Ordinal);
        foreach (var layer in image.Layers)
        {
            var name = $"layer {layer.Index} ({layer.Digest[..19]}…, {layer.Descriptor.Size} bytes)";
            var mounts = log.Mounts.Where(m => m.Layer == layer.Digest).ToList();
            if (mounts.Count == 0) failures.Add($"{name}: never mounted remotely");
            foreach (var failed in mounts.Where(m => m.Error is not null)) failures.Add($"{name}: remote mount failed: {failed.Error}");
            var good = mounts.Where(m => m.Error is null).ToList();
            if (good.Count > 0 && !good.Any(m => log.Verified.Contains(m.Mountpoint))) failures.Add($"{name}: the snapshotter did not log 'verified' for its mount");
            foreach (var m in good.Where(m => m.TocDigest != layer.TocDigest))
                failures.Add($"{name}: mounted with TOC digest '{m.TocDigest}', the manifest says '{layer.TocDigest}'");

            var requests = exchanges.Where(e => e.BlobDigest == layer.Digest && e.Method == "GET").ToList();
            foreach (var e in requests.Where(e => e.Range is null || e.Status != 206))
                failures.Add($"{name}: GET {(e.Range is null ? "without Range" : "Range " + e.Range)} answered {e.Status} ({e.BodyBytes} bytes)");
            foreach (var e in requests.Where(e => e.BodyBytes >= layer.Descriptor.Size && layer.Descriptor.Size > SnapshotterBlobChunk))
                failures.Add($"{name}: one response carried the whole layer ({e.BodyBytes} bytes, Range {e.Range ?? "none"})");

            if (!prefetched.Contains(layer.Index)) continue;
            if (log.FailedPrefetches.Contains(layer.Digest)) failures.Add($"{name}: its prefetch failed");
            var done = log.Prefetches.Where(p => p.Layer == layer.Digest).ToList();
            if (done.Count == 0) failures.Add($"{name}: no completed prefetch logged");
            else if (layer.PrefetchEnd is not { } end)
                failures.Add($"{name}: no .prefetch.landmark in its TOC (the snapshotter prefetched {string.Join(", ", done.Select(p => p.PrefetchSize))} bytes blindly)");
            else if (done.All(p => p.PrefetchSize != end))
                failures.Add($"{name}: prefetched {string.Join(", ", done.Select(p => p.PrefetchSize))} bytes, its landmark is at {end}");
        }
        var before = exchanges.Where(e => e.Method == "GET" && e.CompletedAt <= printedAt && e.BlobDigest is { } d && blobs.ContainsKey(d)).Sum(e => e.BodyBytes);
        var total = image.Layers.Sum(l => l.Descriptor.Size);
        if (before >= total)
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{before} layer bytes crossed the link before the app printed, the image has {total}"));
        return failures;
    }
}
