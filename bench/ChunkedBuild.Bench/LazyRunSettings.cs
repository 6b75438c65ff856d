namespace ChunkedBuild.Bench;

/// <summary>How <c>--lazy</c> runs beyond its defaults: for finding where a lazy start's time goes and for trying the snapshotter's settings.</summary>
/// <param name="Unshaped">The proxy only records (<c>--link none</c>): the start without network time.</param>
/// <param name="SnapshotterConfig">TOML for the stargz snapshotter (<c>--snapshotter-config</c>), or null: the library's defaults (the headline figures).</param>
/// <param name="Trace">A folder (<c>--trace DIR</c>) to write each run's timed snapshotter and containerd lines to, the snapshotter then logging every FUSE
/// request and containerd at debug level (slows the start); null: no trace.</param>
/// <param name="Variants">The variants measured (<c>--variants</c>), or null: all.</param>
/// <param name="TunedChunkSize">With <paramref name="TunedGzipLevel"/>: a further variant <c>tuned</c>, <c>auto</c> converted with this eStargz chunk size
/// (<c>--tuned-chunk-kb</c>), or null: the default.</param>
/// <param name="TunedGzipLevel">The <c>tuned</c> variant's gzip level (<c>--tuned-gzip-level</c>), or null: the default.</param>
internal sealed record LazyRunSettings(bool Unshaped = false, string? SnapshotterConfig = null, string? Trace = null, IReadOnlySet<string>? Variants = null,
    long? TunedChunkSize = null, int? TunedGzipLevel = null)
{
    /// <summary>True when a <c>tuned</c> variant is asked for.</summary>
    public bool HasTuned => TunedChunkSize is not null || TunedGzipLevel is not null;

    /// <summary>The snapshotter's TOML: the given settings, plus <c>debug = true</c> when tracing; null when neither.</summary>
    public string? SnapshotterToml => Trace is not null ? "debug = true\n" + (SnapshotterConfig ?? "") : SnapshotterConfig;
}
