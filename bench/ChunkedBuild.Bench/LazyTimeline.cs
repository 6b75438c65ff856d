using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChunkedBuild.Testing.LazyPull;

namespace ChunkedBuild.Bench;

/// <summary>
/// Where one measured start's time went, in seconds from the pull's start (the link's clock; a phase is null when its sign was not seen).
/// The snapshotter's and containerd's lines are timed on arrival, so a phase is when its log line reached the bench (milliseconds late at most).
/// </summary>
/// <param name="PullEnd">The pull command returned (a lazy pull: every layer resolved, TOC verified and mounted).</param>
/// <param name="LastTocVerified">The last layer's TOC was verified against its annotation (the library's <c>verified</c>).</param>
/// <param name="PrefetchDone">The last layer's prefetch completed (downloaded and decompressed into the cache: <c>completed to prefetch</c>).</param>
/// <param name="PrefetchDownloadSeconds">The longest layer's prefetch download (<c>prefetch_download</c>).</param>
/// <param name="PrefetchDecompressSeconds">The summed prefetch decompression of all layers (<c>prefetch_decompress</c>: inflate, verify, write to the cache).</param>
/// <param name="ContainerPrepared">containerd asked the snapshotter for the container's snapshot (<c>checking layer availability</c>: it then waits for
/// every layer's prefetch).</param>
/// <param name="ShimStarted">containerd's runc shim for the container started (<c>starting signal loop</c>).</param>
/// <param name="TaskStarted">The container's process was started (<c>/tasks/start</c>, containerd at debug level only).</param>
/// <param name="FirstFuseRead">The first FUSE read after the container was prepared (snapshotter <c>debug = true</c> only).</param>
/// <param name="FuseRequests">FUSE requests from the container's preparation to its first output (snapshotter <c>debug = true</c> only).</param>
/// <param name="LastLayerByte">The last layer byte before the first output reached the puller.</param>
/// <param name="FirstOutput">The app's first line.</param>
internal sealed partial record LazyTimeline(double PullEnd, double? LastTocVerified, double? PrefetchDone, double? PrefetchDownloadSeconds, double? PrefetchDecompressSeconds,
    double? ContainerPrepared, double? ShimStarted, double? TaskStarted, double? FirstFuseRead, int? FuseRequests, double? LastLayerByte, double FirstOutput)
{
    /// <summary>Reads the phases from the session's timed lines and the link's exchanges; every time is made relative to <paramref name="start"/>.</summary>
    public static LazyTimeline Read(TimeSpan start, TimeSpan pulled, TimeSpan printed, IReadOnlyList<OutputLine> snapshotter, IReadOnlyList<OutputLine> containerd,
        IReadOnlyList<HttpExchange> exchanges, ISet<string> layerDigests)
    {
        double S(TimeSpan t) => (t - start).TotalSeconds;
        var json = new List<(TimeSpan At, JsonElement Entry)>();
        var fuse = new List<(TimeSpan At, string Text)>();
        foreach (var line in snapshotter.Where(l => l.At >= start))
        {
            if (line.Text.StartsWith('{'))
            {
                try
                {
                    using var doc = JsonDocument.Parse(line.Text);
                    json.Add((line.At, doc.RootElement.Clone()));
                }
                catch (JsonException)
                {
                }
            }
            else if (FuseRequest().IsMatch(line.Text)) fuse.Add((line.At, line.Text));
        }
        TimeSpan? Last(string message) => json.Where(e => Field(e.Entry, "msg") == message).Select(e => (TimeSpan?)e.At).LastOrDefault();
        TimeSpan? First(string message) => json.Where(e => Field(e.Entry, "msg") == message).Select(e => (TimeSpan?)e.At).FirstOrDefault();
        IEnumerable<double> Metric(string operation) => json.Where(e => Field(e.Entry, "operation") == operation)
            .Select(e => MetricValue().Match(Field(e.Entry, "msg") ?? "")).Where(m => m.Success)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 1000);

        var prepared = First("checking layer availability");
        var fuseAfter = prepared is { } p ? fuse.Where(f => f.At >= p && f.At <= printed).ToList() : [];
        var firstRead = fuseAfter.FirstOrDefault(f => f.Text.Contains("READ", StringComparison.Ordinal));
        var downloads = Metric("prefetch_download").ToList();
        var decompress = Metric("prefetch_decompress").ToList();
        var shim = containerd.Where(l => l.At >= pulled && l.Text.Contains("starting signal loop", StringComparison.Ordinal)).Select(l => (TimeSpan?)l.At).FirstOrDefault();
        var task = containerd.Where(l => l.At >= pulled && l.Text.Contains("topic=/tasks/start", StringComparison.Ordinal)).Select(l => (TimeSpan?)l.At).FirstOrDefault();
        var lastByte = exchanges.Where(e => e.CompletedAt <= printed && e.BlobDigest is { } d && layerDigests.Contains(d)).Select(e => (TimeSpan?)e.CompletedAt).Max();
        return new LazyTimeline(S(pulled), Last("verified") is { } v ? S(v) : null, Last("completed to prefetch") is { } c ? S(c) : null,
            downloads.Count > 0 ? downloads.Max() : null, decompress.Count > 0 ? decompress.Sum() : null, prepared is { } pr ? S(pr) : null,
            shim is { } sh ? S(sh) : null, task is { } t ? S(t) : null, firstRead.Text is not null ? S(firstRead.At) : null,
            prepared is null || fuse.Count == 0 ? null : fuseAfter.Count, lastByte is { } lb ? S(lb) : null, S(printed));
    }

    /// <summary>One line: each phase seen, in order.</summary>
    public string Describe()
    {
        var parts = new List<string> { F("pulled", PullEnd) };
        if (LastTocVerified is { } v) parts.Add(F("TOCs verified", v));
        if (PrefetchDone is { } p) parts.Add(F("prefetch done", p) + (PrefetchDownloadSeconds is { } d ? string.Create(CultureInfo.InvariantCulture, $" (download ≤{d:F2} s, decompress Σ{PrefetchDecompressSeconds ?? 0:F2} s)") : ""));
        if (ContainerPrepared is { } c) parts.Add(F("container snapshot", c));
        if (ShimStarted is { } s) parts.Add(F("shim", s));
        if (TaskStarted is { } t) parts.Add(F("task start", t));
        if (FirstFuseRead is { } r) parts.Add(F("first FUSE read", r) + $" ({FuseRequests} FUSE requests to first output)");
        if (LastLayerByte is { } b) parts.Add(F("last layer byte", b));
        parts.Add(F("first output", FirstOutput));
        return string.Join(", ", parts);
    }

    private static string F(string name, double at) => string.Create(CultureInfo.InvariantCulture, $"{name} {at:F2}");

    private static string? Field(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // The library's latency lines: "value=12.3 milliseconds" (fs/metrics/common WriteLatencyLogValue).
    [GeneratedRegex(@"^value=([0-9.e+-]+) milliseconds")]
    private static partial Regex MetricValue();

    // go-fuse's debug lines for requests: "… rx 123: READ n5 {…}".
    [GeneratedRegex(@" rx \d+: ")]
    private static partial Regex FuseRequest();
}
