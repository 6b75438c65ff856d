namespace ChunkedBuild.Core.Tar;

/// <summary>Bounds that keep a hostile tar from exhausting memory.</summary>
public sealed record TarReaderLimits
{
    /// <summary>Largest PAX extended header or GNU long-name record accepted (default 1 MiB, Go's archive/tar limit).</summary>
    public int MaxExtensionRecordSize { get; init; } = 1 << 20;
    /// <summary>Largest payload size accepted for one entry (default 1 TiB).</summary>
    public long MaxEntrySize { get; init; } = 1L << 40;
    /// <summary>
    /// Largest total of header bytes one entry may have (PAX and GNU long-name records, old-GNU sparse extension
    /// blocks, the previous padding and the header itself; default 8 MiB), so chains of extension headers stay bounded.
    /// </summary>
    public int MaxEntryHeaderBytes { get; init; } = 8 << 20;
}
