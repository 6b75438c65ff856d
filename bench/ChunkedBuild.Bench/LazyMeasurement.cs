using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Testing.LazyPull;
using ChunkedBuild.Testing.Registry;

namespace ChunkedBuild.Bench;

/// <summary>
/// One measured start (<see cref="RunAsync"/>): cold, through a fresh shaped link, from the pull's start to the app's first output line.
/// The layer bytes before that line are split by what asked for them (eStargz): <c>metadata</c> (the snapshotter's 2-byte redirect probe and
/// the reads from the chunk holding the TOC on), <c>prefetch</c> (reads starting before the layer's logged <c>prefetch_size</c>) and
/// <c>on demand</c> (the rest: files the start read that the prefetch did not bring).
/// </summary>
/// <param name="Image">A or B.</param>
/// <param name="Variant">full, auto, none or optimize.</param>
/// <param name="Round">1-based.</param>
/// <param name="Seconds">Pull start → first output line.</param>
/// <param name="PullSeconds">Pull start → the pull command's end (a lazy pull ends before its prefetches do).</param>
/// <param name="BytesBefore">Bytes the link delivered to the pullers before the first output (everything: manifests, headers, layers).</param>
/// <param name="PrefetchBytes">Layer bytes of prefetch reads before the first output.</param>
/// <param name="OnDemandBytes">Layer bytes of on-demand reads before the first output.</param>
/// <param name="MetadataBytes">Layer bytes of footer/TOC reads before the first output.</param>
/// <param name="LayerRequests">Layer GETs completed before the first output.</param>
/// <param name="CheckFailures">For a lazy variant, what <see cref="LazyStartCheck"/> found wrong (empty: a clean lazy start).</param>
/// <param name="Timeline">Where the time went (<see cref="LazyTimeline"/>).</param>
/// <param name="SecondStartSeconds">A second <c>ctr run</c> on the same pull (the snapshotter's cache and the page cache warm): <c>ctr run</c> → first
/// output. Against the first start's <c>ctr run</c> → first output it shows what the cold reads cost.</param>
internal sealed record LazyMeasurement(string Image, string Variant, int Round, double Seconds, double PullSeconds, long BytesBefore, long PrefetchBytes,
    long OnDemandBytes, long MetadataBytes, int LayerRequests, IReadOnlyList<string> CheckFailures, LazyTimeline Timeline, double SecondStartSeconds)
{
    /// <summary>
    /// Drops the page cache, starts a link (unshaped when <paramref name="profile"/> is null), a containerd and a snapshotter, pulls and runs
    /// <paramref name="repository"/>, and measures; then starts it once more on the same pull.
    /// </summary>
    public static async Task<LazyMeasurement> RunAsync(LocalRegistry registry, LinkProfile? profile, StartupImage image, string variant, string repository, bool lazy, int round,
        LazyRunSettings settings)
    {
        PageCache.DropAll();
        using var link = ShapedLink.Start(LazyBench.Endpoint(registry), profile);
        using var session = LazyPullSession.Start(
            new LazyPullOptions { NoBackgroundFetch = true, SnapshotterConfig = settings.SnapshotterToml, ContainerdDebug = settings.Trace is not null }, () => link.Now);
        var reference = $"{link.Host}/{repository}";
        long? bytesAtFirst = null;
        var start = link.Now;
        var pull = lazy ? session.RemotePull(reference) : session.Pull(reference);
        var pulled = link.Now;
        if (pull.ExitCode != 0) throw new InvalidOperationException($"{(lazy ? "ctr-remote image rpull" : "ctr image pull")} {reference} exited {pull.ExitCode}: {pull.StdErr}");
        using var run = session.RunContainer(reference, lazy, onLine: _ => bytesAtFirst ??= link.BytesDown);
        if (!run.WaitForLine(_ => true, TimeSpan.FromMinutes(5)))
            throw new InvalidOperationException($"{repository} printed nothing within 5 minutes: {run.Errors}\n{session.ContainerdLog}");
        var printed = run.FirstOutputAt!.Value;
        run.Stop();
        var exchanges = link.Exchanges;
        var snapshotterLines = session.SnapshotterLines;
        var containerdLines = session.ContainerdLines;
        if (settings.Trace is { } traceFolder) WriteTrace(traceFolder, $"{image.Id}-{variant}-{round}", start, printed, snapshotterLines, containerdLines, exchanges);

        var again = link.Now;
        using (var second = session.RunContainer(reference, lazy))
        {
            if (!second.WaitForLine(_ => true, TimeSpan.FromMinutes(5))) throw new InvalidOperationException($"{repository} printed nothing when started again: {second.Errors}");
            again = second.FirstOutputAt!.Value - again;
            second.Stop();
        }

        var lazyImage = await LazyImage.ReadAsync($"{registry.Host}/{repository}");
        var layers = lazyImage.Layers.ToDictionary(l => l.Digest, StringComparer.Ordinal);
        var log = session.SnapshotterLog;
        var prefetchEnds = log.Prefetches.GroupBy(p => p.Layer).ToDictionary(g => g.Key, g => g.Max(p => p.PrefetchSize), StringComparer.Ordinal);
        long prefetch = 0, onDemand = 0, metadata = 0;
        var requests = 0;
        foreach (var e in exchanges.Where(e => e.Method == "GET" && e.CompletedAt <= printed && e.BlobDigest is { } d && layers.ContainsKey(d)))
        {
            requests++;
            var layer = layers[e.BlobDigest!];
            var first = RangeStart(e.Range);
            var tocChunk = layer.TocOffset is { } toc ? toc / LazyStartCheck.SnapshotterBlobChunk * LazyStartCheck.SnapshotterBlobChunk : long.MaxValue;
            if (!lazy) continue;
            if (first is null || e.BodyBytes <= 2 || first >= tocChunk) metadata += e.BodyBytes;
            else if (first < prefetchEnds.GetValueOrDefault(layer.Digest)) prefetch += e.BodyBytes;
            else onDemand += e.BodyBytes;
        }
        var prioritized = lazyImage.Layers.Where(l => l.PrefetchEnd is not null).Select(l => l.Index).ToHashSet();
        var failures = lazy ? LazyStartCheck.Failures(lazyImage, prioritized, log, exchanges, printed) : [];
        var timeline = LazyTimeline.Read(start, pulled, printed, snapshotterLines, containerdLines, exchanges, layers.Keys.ToHashSet(StringComparer.Ordinal));
        return new LazyMeasurement(image.Id, variant, round, (printed - start).TotalSeconds, (pulled - start).TotalSeconds, bytesAtFirst ?? link.BytesDown,
            prefetch, onDemand, metadata, requests, failures, timeline, again.TotalSeconds);
    }

    /// <summary>Writes one run's timed daemon lines and the link's exchanges, in seconds from the pull's start, to <c>FOLDER/NAME.*.log</c>.</summary>
    private static void WriteTrace(string folder, string name, TimeSpan start, TimeSpan printed, IReadOnlyList<OutputLine> snapshotter, IReadOnlyList<OutputLine> containerd,
        IReadOnlyList<HttpExchange> exchanges)
    {
        Directory.CreateDirectory(folder);
        string At(TimeSpan t) => (t - start).TotalSeconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllLines(Path.Combine(folder, name + ".snapshotter.log"), snapshotter.Select(l => $"{At(l.At)} {l.Text}"));
        File.WriteAllLines(Path.Combine(folder, name + ".containerd.log"), containerd.Select(l => $"{At(l.At)} {l.Text}"));
        File.WriteAllLines(Path.Combine(folder, name + ".link.log"),
            [$"first output at {At(printed)}", .. exchanges.Select(e => $"{At(e.RequestedAt)} → {At(e.CompletedAt)} {e.Method} {e.Status} {e.Target} {e.Range} {e.BodyBytes}")]);
    }

    /// <summary>The first byte of <c>bytes=A-B</c>, or null.</summary>
    private static long? RangeStart(string? range) =>
        range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && long.TryParse(range[6..].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture, out var a)
            ? a : null;
}
