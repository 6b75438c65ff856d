using ChunkedBuild.Core.IO;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// A read-only stream over a tar that turns every GNU sparse entry Go's <c>archive/tar</c> reads as a sparse file
/// (old GNU 'S' with its extension blocks, PAX 0.0, 0.1 and 1.0; see <see cref="SparseMap"/>) into a regular-file
/// entry of the same logical size and content, the holes as zeros (headers: <see cref="DenseHeaderWriter"/>). Every
/// other byte passes through unchanged, so a tar without sparse entries comes out byte for byte as it went in.
/// </summary>
/// <remarks>
/// Streaming with bounded memory: the input is read forward once, at most one entry's headers (and a PAX 1.0 map) are
/// held, holes are written as zeros into the caller's buffer and data is copied straight from the input. It reads
/// ahead no further than the bytes asked for, so errors surface in the order a reader of the input would meet them.
/// End-of-archive bytes the input lacks are not supplied (a reader of this stream completes them as it would the
/// input's). A sparse map Go rejects is CHB1006; input errors are the <see cref="RawTarReader"/>'s.
/// </remarks>
public sealed class SparseDensifier : ReadOnlyStream
{
    private readonly RawTarReader _reader;
    private readonly TarReaderLimits _limits;
    private readonly List<DensifiedEntry> _densified = [];
    private ReadOnlyMemory<byte> _pending;
    private Phase _phase = Phase.BetweenEntries;
    private DensePayload? _payload;
    // When the previous entry was densified: its stored padding (what the input has) and the padding its logical size needs.
    private (int Stored, int Logical)? _previousPadding;

    private enum Phase { BetweenEntries, Payload, DensePayload, AfterEnd }

    /// <summary>Creates a densifier reading <paramref name="tar"/> sequentially.</summary>
    public SparseDensifier(Stream tar, bool leaveOpen = false, TarReaderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(tar);
        _limits = limits ?? new TarReaderLimits();
        _reader = new RawTarReader(tar, leaveOpen, _limits);
    }

    /// <summary>The entries rewritten so far, in tar order (complete once the stream has been read to its end).</summary>
    public IReadOnlyList<DensifiedEntry> DensifiedEntries => _densified;

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            if (!_pending.IsEmpty)
            {
                var n = Math.Min(buffer.Length, _pending.Length);
                _pending.Span[..n].CopyTo(buffer);
                _pending = _pending[n..];
                return n;
            }
            switch (_phase)
            {
                case Phase.Payload:
                {
                    var n = _reader.ReadData(buffer);
                    if (n > 0) return n;
                    _phase = Phase.BetweenEntries;
                    break;
                }
                case Phase.DensePayload:
                {
                    var n = _payload!.Read(buffer);
                    if (n > 0) return n;
                    _payload = null;
                    _phase = Phase.BetweenEntries;
                    break;
                }
                case Phase.BetweenEntries:
                    NextEntry();
                    break;
                default:
                    return _reader.ReadAfterEnd(buffer);
            }
        }
    }

    private void NextEntry()
    {
        var entry = _reader.ReadNext();
        if (entry is null)
        {
            var end = _reader.EndOfArchive;
            _pending = ReplacePadding(end[..(end.Length - _reader.SynthesizedLength)], _previousPadding?.Stored ?? 0);
            _phase = Phase.AfterEnd;
            return;
        }
        if (SparseMap.Classify(entry.Info) is not { } format)
        {
            _pending = ReplacePadding(entry.RawPrefix, entry.PrecedingPaddingLength);
            _previousPadding = null;
            _phase = Phase.Payload;
            return;
        }

        var info = entry.Info;
        var where = $"sparse entry '{info.Name}' at tar offset {entry.HeaderOffset}";
        long mapLength = 0;
        var regions = format switch
        {
            SparseFormat.OldGnu => SparseMap.ReadOldGnu(MainHeaderAndExtensions(entry), where),
            SparseFormat.Pax10 => SparseMap.ReadPax10((b, o, c) => _reader.ReadData(b.AsSpan(o, c)), entry.PayloadLength,
                _limits.MaxExtensionRecordSize, where, out mapLength),
            _ => SparseMap.ReadPax0(info, where),
        };
        var stored = entry.PayloadLength - mapLength;
        SparseMap.Validate(regions, info.Size, stored, where);

        var header = DenseHeaderWriter.Write(entry, format, info.Size);
        var padding = PaddingFor(info.Size);
        var previous = _previousPadding?.Logical ?? entry.PrecedingPaddingLength;
        var bytes = new byte[previous + header.Length];
        if (_previousPadding is null) entry.RawPrefix.Span[..previous].CopyTo(bytes);
        header.CopyTo(bytes, previous);
        _pending = bytes;
        _previousPadding = (entry.PaddingLength, padding);
        _payload = new DensePayload(_reader, regions, info.Size);
        _densified.Add(new DensifiedEntry(info.Name, format.Label(), info.Size, stored));
        _phase = Phase.DensePayload;
    }

    /// <summary>
    /// After a densified entry the next segment starts with that entry's stored padding: it becomes the padding of the
    /// logical size (zeros). The segment may be shorter than the padding when the input ends inside it.
    /// </summary>
    private ReadOnlyMemory<byte> ReplacePadding(ReadOnlyMemory<byte> segment, int storedPadding)
    {
        if (_previousPadding is not { Logical: var logical }) return segment;
        var rest = segment[Math.Min(storedPadding, segment.Length)..];
        var bytes = new byte[logical + rest.Length];
        rest.Span.CopyTo(bytes.AsSpan(logical));
        return bytes;
    }

    /// <summary>The old-GNU main header block and the sparse extension blocks after it: the end of the entry's headers.</summary>
    private static ReadOnlySpan<byte> MainHeaderAndExtensions(RawTarEntry entry) =>
        entry.HeaderBytes.Span[TarHeaderChain.Split(entry.HeaderBytes.Span).MainStart..];

    private static int PaddingFor(long size) => (int)(TarHeaderChain.PaddedLength(size) - size);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _reader.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>The logical content of one densified entry: stored data where the map has regions, zeros elsewhere.</summary>
    private sealed class DensePayload(RawTarReader reader, List<SparseRegion> regions, long size)
    {
        private long _position;
        private int _region;

        public int Read(Span<byte> buffer)
        {
            while (_region < regions.Count && _position >= regions[_region].End) _region++;
            if (_position >= size) return 0;
            if (_region < regions.Count && _position >= regions[_region].Offset)
            {
                var want = (int)Math.Min(buffer.Length, regions[_region].End - _position);
                var n = reader.ReadData(buffer[..want]);
                if (n == 0) throw new InvalidOperationException("the sparse map was validated against the stored length");
                _position += n;
                return n;
            }
            var holeEnd = _region < regions.Count ? regions[_region].Offset : size;
            var zeros = (int)Math.Min(buffer.Length, holeEnd - _position);
            buffer[..zeros].Clear();
            _position += zeros;
            return zeros;
        }
    }
}
