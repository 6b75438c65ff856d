namespace ChunkedBuild.Core.Tar;

/// <summary>
/// A byte-exact, forward-only tar reader. Unlike System.Formats.Tar it never re-encodes anything: every entry comes
/// with the exact bytes that preceded its payload, and after the last entry the end-of-archive blocks and every byte
/// after them are available. Handles ustar, PAX ('x'), GNU ('L', 'K', base-256 numbers, atime/ctime) and old-GNU headers.
/// Errors are <see cref="Errors.ChunkedBuildException"/> with codes CHB1001..CHB1005 naming the offset.
/// </summary>
public sealed partial class RawTarReader : IDisposable
{
    /// <summary>Creates a reader over <paramref name="input"/> (read sequentially, never seeked).</summary>
    public RawTarReader(Stream input, bool leaveOpen = false, TarReaderLimits? limits = null)
    {
        throw new NotImplementedException();
    }

    /// <summary>Bytes consumed from the input so far.</summary>
    public long Position => throw new NotImplementedException();

    /// <summary>
    /// Advances to the next entry, first skipping whatever payload of the current entry was not read (the skipped
    /// bytes are still accounted). Returns null at the end-of-archive marker (or at a clean end of input).
    /// </summary>
    public RawTarEntry? ReadNext() => throw new NotImplementedException();

    /// <summary>Reads payload bytes of the current entry; returns 0 when the payload is exhausted.</summary>
    public int ReadData(Span<byte> buffer) => throw new NotImplementedException();

    /// <summary>
    /// After <see cref="ReadNext"/> returned null: the last entry's padding followed by the two 512-byte zero blocks,
    /// exactly as tar-split stores the end segment. When the input lacked (part of) the end marker the missing zero
    /// bytes are supplied here and <see cref="EndOfArchiveSynthesized"/> is true (the output is the normalized tar).
    /// </summary>
    public ReadOnlyMemory<byte> EndOfArchive => throw new NotImplementedException();

    /// <summary>True when the end-of-archive blocks (or the last padding) were missing and had to be synthesized.</summary>
    public bool EndOfArchiveSynthesized => throw new NotImplementedException();

    /// <summary>After the end: the bytes that follow the two zero blocks (record padding, anything else); 0 at end of input.</summary>
    public int ReadAfterEnd(Span<byte> buffer) => throw new NotImplementedException();

    /// <summary>Disposes the input unless it was opened with leaveOpen.</summary>
    public void Dispose() => throw new NotImplementedException();
}
