namespace ChunkedBuild.Core.Formats;

/// <summary>Options of a layer conversion. Immutable; the defaults are what users get without flags.</summary>
public sealed record FormatOptions
{
    /// <summary>Compression level; null = the format's default (<see cref="ILayerFormat.Levels"/>: zstd 3, gzip 6).</summary>
    public int? Level { get; init; }

    /// <summary>
    /// Chunk size in bytes of a format that cuts files into fixed-size chunks (eStargz; default 4 MiB, stargz-snapshotter's); the range is
    /// <see cref="LayerFormats.ChunkSizes"/>. zstd:chunked cuts by content and ignores it.
    /// </summary>
    public long ChunkSize { get; init; } = LayerFormats.ChunkSizes.Default;

    /// <summary>Paths to place first (eStargz: followed by <c>.prefetch.landmark</c>); empty = no prefetch.</summary>
    public IReadOnlyList<string> PrioritizedFiles { get; init; } = [];

    /// <summary>Compression threads; default: one per core. Output bytes never depend on it.</summary>
    public int DegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Folder for temporary spool files: an input, since Core reads no environment (the edges pass <c>HostEnvironment.TempDirectory</c>,
    /// the system's temporary folder).
    /// </summary>
    public required string TempDirectory { get; init; }

    /// <summary>
    /// The most bytes any temporary spool file of the conversion may hold (reordering for prioritized files spools the decompressed layer):
    /// CHB1203 past it. Null: <see cref="IO.SpoolLimits.For"/> of the compressed input where the caller knows its size
    /// (<see cref="LayerFileConverter"/> does), else <see cref="IO.SpoolLimits.Floor"/>.
    /// </summary>
    public long? SpoolLimit { get; init; }

    /// <summary>A name for the layer used in errors (digest or file name).</summary>
    public string? LayerName { get; init; }

    /// <summary>Sparse files: densified (default; the layer gets a new DiffID) or refused (CHB1102).</summary>
    public SparseMode Sparse { get; init; } = SparseMode.Densify;

    /// <summary>
    /// eStargz's deflate engine (<see cref="Compression.DeflateEngines.LibDeflate"/> or <see cref="Compression.DeflateEngines.ZlibNg"/>);
    /// null = this machine's choice (<see cref="Compression.DeflateEngines.EngineFor"/>). The engines write different bytes.
    /// </summary>
    public string? DeflateEngine { get; init; }

    /// <summary>zstd frames by the managed encoder even where native libzstd loads (same bytes, slower; <see cref="Compression.ZstdEncoders"/>).</summary>
    public bool ManagedZstd { get; init; }
}
