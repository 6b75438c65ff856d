using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>Everything an image conversion needs to know, as one immutable record: the tool, the MSBuild task and the action all build one.</summary>
public sealed record ConversionRequest
{
    /// <summary>The variants to produce (default <c>estargz,zstd-chunked</c>).</summary>
    public IReadOnlyList<LayerVariant> Variants { get; init; } = LayerVariants.Default;

    /// <summary>How the variants are published.</summary>
    public PublishMode Publish { get; init; } = PublishMode.Index;

    /// <summary>The tags to publish; empty → the source's tags, or <c>latest</c>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Compression level for every format (format default when null); <see cref="ZstdLevel"/> / <see cref="GzipLevel"/> override it.</summary>
    public int? Level { get; init; }

    /// <summary>zstd level (1-22) for zstd:chunked layers.</summary>
    public int? ZstdLevel { get; init; }

    /// <summary>gzip level (0-9) for eStargz layers.</summary>
    public int? GzipLevel { get; init; }

    /// <summary>The level <paramref name="format"/> is written at: <see cref="ZstdLevel"/> or <see cref="GzipLevel"/> by its compression, else <see cref="Level"/> (null: the format's default).</summary>
    public int? LevelFor(Formats.ILayerFormat format) => format.Compression == Compression.LayerCompression.Zstd ? ZstdLevel ?? Level : GzipLevel ?? Level;

    /// <summary>eStargz's deflate engine (<see cref="Formats.FormatOptions.DeflateEngine"/>); null = this machine's choice.</summary>
    public string? DeflateEngine { get; init; }

    /// <summary>zstd by the managed encoder (<see cref="Formats.FormatOptions.ManagedZstd"/>).</summary>
    public bool ManagedZstd { get; init; }

    /// <summary>eStargz chunk size in bytes (<see cref="Formats.LayerFormats.ChunkSizes"/>).</summary>
    public long ChunkSize { get; init; } = Formats.LayerFormats.ChunkSizes.Default;

    /// <summary>How many layers are converted at once.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

    /// <summary>Threads each layer conversion may use.</summary>
    public int ThreadsPerLayer { get; init; } = Environment.ProcessorCount;

    /// <summary>Fail (instead of keeping the layer in its original compression) when a format cannot represent a layer.</summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Sparse files: <see cref="Formats.SparseMode.Densify"/> (default) writes them as regular files, so such a layer gets a new DiffID in every
    /// variant (the config is rewritten); <see cref="Formats.SparseMode.Refuse"/> keeps such a layer in its original compression (CHB1102 warning,
    /// an error with <see cref="Strict"/>) and its DiffID.
    /// </summary>
    public Formats.SparseMode Sparse { get; init; } = Formats.SparseMode.Densify;

    /// <summary>The converted-layer cache folder; null disables the cache.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>
    /// The most bytes a layer may spool to temporary files (reordering for prioritized files, the contents startup inference reads): CHB1203
    /// past it. Null: per layer, the larger of 1 GiB and 100 times its compressed size (<see cref="IO.SpoolLimits"/>).
    /// </summary>
    public long? SpoolLimit { get; init; }

    /// <summary>Conversions shared through registries: where they are looked up and recorded (default: the destination when it is a registry).</summary>
    public RegistryCacheOptions RegistryCache { get; init; } = new();

    /// <summary>
    /// Whether a push to a registry probes the <c>Range</c> GETs lazy and partial pulls need (<see cref="Registry.RangeProbe"/>) and warns
    /// (CHB4011) per variant whose pulls will not work (default true).
    /// </summary>
    public bool CheckRegistry { get; init; } = true;

    /// <summary>
    /// The folder for temporary files: an input, since Core reads no environment (the edges pass <see cref="HostEnvironment.TempDirectory"/>,
    /// the system's temporary folder); a run's files live in one scratch folder inside it.
    /// </summary>
    public required string TempDirectory { get; init; }

    /// <summary>Where the files to fetch first come from (default: inferred for .NET apps). Used by the eStargz variant.</summary>
    public PrioritizationMode Prioritization { get; init; } = PrioritizationMode.Auto;

    /// <summary>
    /// zstd:chunked entry order: false keeps tar order (the DiffID is kept; partial pullers fetch by file anyway); true puts the prioritized
    /// files first, as eStargz does (a reordered tar: new DiffIDs, the config is rewritten).
    /// </summary>
    public bool ZstdPrioritizedOrder { get; init; }

    /// <summary>The manifest or record file for <see cref="PrioritizationMode.Manifest"/> / <see cref="PrioritizationMode.Record"/>.</summary>
    public string? PrioritizationFile { get; init; }

    /// <summary>Explicit files to put first, per source layer digest (overrides <see cref="Prioritization"/> for those layers), in each layer's own tar spelling (empty: no prioritization).</summary>
    public IReadOnlyDictionary<Digest, IReadOnlyList<string>> PrioritizedFiles { get; init; } = new Dictionary<Digest, IReadOnlyList<string>>();

    /// <summary>The tool version, part of every cache key (a new version never reuses an older version's layers).</summary>
    public string ToolVersion { get; init; } = typeof(ConversionRequest).Assembly.GetName().Version?.ToString() ?? "0";
}
