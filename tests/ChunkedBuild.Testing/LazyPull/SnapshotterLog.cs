using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChunkedBuild.Testing.LazyPull;

/// <summary>One remote mount the snapshotter attempted (its own <c>chunkedbuild mount</c> line).</summary>
/// <param name="Layer">The layer digest containerd passed.</param>
/// <param name="TocDigest">The <c>containerd.io/snapshot/stargz/toc.digest</c> annotation containerd passed, or empty.</param>
/// <param name="Mountpoint">Where the layer was (to be) mounted.</param>
/// <param name="Error">Why the mount failed, or null.</param>
public sealed record SnapshotterMount(string Layer, string TocDigest, string Mountpoint, string? Error);

/// <summary>A layer's prefetch as the library's <c>prefetch_total</c> metric line reports it.</summary>
/// <param name="Layer">The layer digest.</param>
/// <param name="PrefetchSize">Bytes prefetched (the landmark's offset; 0 when nothing was).</param>
public sealed record SnapshotterPrefetch(string Layer, long PrefetchSize);

/// <summary>
/// The JSON log lines of the project's stargz snapshotter (logrus JSON: <c>msg</c>, <c>level</c>, fields), read back as facts: the mounts
/// (layer, TOC digest, mountpoint, error), the mountpoints whose layer the library <c>verified</c> against the TOC digest, the prefetches
/// (<c>prefetch_total</c> with <c>prefetch_size</c>) and the layers whose prefetch failed.
/// </summary>
public sealed partial class SnapshotterLog
{
    private readonly List<JsonElement> _entries = [];

    /// <summary>Parses the lines; those that are not JSON objects (a Go panic, say) are kept in <see cref="Other"/>.</summary>
    public SnapshotterLog(IEnumerable<string> lines)
    {
        var other = new List<string>();
        foreach (var line in lines)
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.ValueKind == JsonValueKind.Object) _entries.Add(json.RootElement.Clone());
                else other.Add(line);
            }
            catch (JsonException)
            {
                other.Add(line);
            }
        }
        Other = other;
        Mounts = [.. Messages("chunkedbuild mount").Select(e => new SnapshotterMount(Field(e, "layer") ?? "", Field(e, "toc_digest") ?? "", Field(e, "mountpoint") ?? "", Field(e, "error")))];
        Verified = Messages("verified").Select(e => Field(e, "mountpoint")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Prefetches = [.. _entries.Where(e => Field(e, "operation") == "prefetch_total" && Field(e, "layer_sha") is not null)
            .Select(e => new SnapshotterPrefetch(Field(e, "layer_sha")!, PrefetchSize(Field(e, "msg") ?? "")))];
        FailedPrefetches = [.. _entries.Select(e => Field(e, "msg") ?? "").Select(m => FailedPrefetch().Match(m)).Where(m => m.Success).Select(m => m.Groups[1].Value)];
    }

    /// <summary>Every remote mount attempted, in log order.</summary>
    public IReadOnlyList<SnapshotterMount> Mounts { get; }

    /// <summary>Mountpoints whose layer the library verified against the TOC digest (<c>verified</c>).</summary>
    public IReadOnlySet<string> Verified { get; }

    /// <summary>Completed prefetches, in log order.</summary>
    public IReadOnlyList<SnapshotterPrefetch> Prefetches { get; }

    /// <summary>Layers whose prefetch failed (<c>failed to prefetch layer=…</c>).</summary>
    public IReadOnlyList<string> FailedPrefetches { get; }

    /// <summary>Lines that were not JSON objects.</summary>
    public IReadOnlyList<string> Other { get; }

    /// <summary>Lines at level warning or above, and non-JSON lines, for failure messages.</summary>
    public IEnumerable<string> Problems =>
        _entries.Where(e => Field(e, "level") is "warning" or "error" or "fatal" or "panic").Select(e => e.GetRawText()).Concat(Other);

    private IEnumerable<JsonElement> Messages(string message) => _entries.Where(e => Field(e, "msg") == message);

    private static string? Field(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long PrefetchSize(string message) =>
        PrefetchSizePattern().Match(message) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;

    // "value=12.3 milliseconds; prefetch_size=123456 bytes" (fs/metrics/common WriteLatencyWithBytesLogValue)
    [GeneratedRegex(@"prefetch_size=(\d+) bytes")]
    private static partial Regex PrefetchSizePattern();

    // "failed to prefetch layer=sha256:…" (fs/layer Prefetch)
    [GeneratedRegex(@"^failed to prefetch layer=(\S+)")]
    private static partial Regex FailedPrefetch();
}
