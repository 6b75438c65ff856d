using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// A byte-exact, forward-only tar reader. Unlike System.Formats.Tar it never re-encodes anything: every entry comes
/// with the exact bytes that preceded its payload, and after the last entry the end-of-archive blocks and every byte
/// after them are available. Handles ustar, PAX ('x'), GNU ('L', 'K', base-256 numbers, atime/ctime) and old-GNU headers.
/// Errors are <see cref="Errors.ChunkedBuildException"/> with codes CHB1001..CHB1005 naming the offset.
/// </summary>
/// <remarks>
/// What counts as a header and how its fields are read follows Go's <c>archive/tar</c> as forked by tar-split
/// (<c>RawAccounting</c> mode), because tar-split and containers/storage see the tar through it. In particular the
/// payload of header-only types (links, devices, directories, FIFOs) is always empty whatever their size field says.
/// </remarks>
public sealed partial class RawTarReader : IDisposable
{
    private const int DefaultBufferSize = 256 * 1024;
    /// <summary>
    /// The read-ahead buffer starts at most this large (below the large-object heap threshold) and doubles, up to the size asked for, each
    /// time a read fills it: a small layer's tar never allocates the full buffer (per-layer large arrays made full collections of the
    /// whole heap run once per layer).
    /// </summary>
    private const int InitialBufferSize = 64 * 1024;

    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private readonly TarReaderLimits _limits;
    private readonly int _maxBufferSize;
    private byte[] _buffer;
    private int _bufferPos;
    private int _bufferEnd;
    private bool _inputExhausted;
    private long _position;

    private ReaderState _state = ReaderState.BetweenEntries;
    private long _payloadRemaining;
    private int _pendingPadding;
    private string? _currentName;
    private int _entryCount;
    private ReadOnlyMemory<byte> _endOfArchive;
    private bool _endOfArchiveSynthesized;
    private int _synthesizedLength;
    private bool _disposed;
    private bool _bufferFilled; // the last read filled the buffer: the next one reads more

    private enum ReaderState { BetweenEntries, Ended }

    /// <summary>Creates a reader over <paramref name="input"/> (read sequentially, never seeked).</summary>
    public RawTarReader(Stream input, bool leaveOpen = false, TarReaderLimits? limits = null)
        : this(input, leaveOpen, limits, DefaultBufferSize)
    {
    }

    /// <summary>Creates a reader with a specific read-ahead buffer size (small for in-memory segments).</summary>
    internal RawTarReader(Stream input, bool leaveOpen, TarReaderLimits? limits, int bufferSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
        _leaveOpen = leaveOpen;
        _limits = limits ?? new TarReaderLimits();
        _maxBufferSize = Math.Max(bufferSize, TarHeaderBlock.Size);
        _buffer = new byte[Math.Min(_maxBufferSize, InitialBufferSize)];
    }

    /// <summary>Bytes consumed from the input so far.</summary>
    public long Position => _position;

    /// <summary>Reads payload bytes of the current entry; returns 0 when the payload is exhausted.</summary>
    public int ReadData(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_payloadRemaining <= 0 || buffer.IsEmpty) return 0;
        var want = (int)Math.Min(buffer.Length, _payloadRemaining);
        int n;
        var buffered = _bufferEnd - _bufferPos;
        if (buffered > 0)
        {
            n = Math.Min(want, buffered);
            _buffer.AsSpan(_bufferPos, n).CopyTo(buffer);
            _bufferPos += n;
        }
        else if (want >= _buffer.Length)
        {
            // Large reads go straight from the input into the caller's buffer.
            n = _inputExhausted ? 0 : _input.Read(buffer[..want]);
            if (n == 0) _inputExhausted = true;
        }
        else
        {
            n = FillBuffer() ? Math.Min(want, _bufferEnd - _bufferPos) : 0;
            _buffer.AsSpan(_bufferPos, n).CopyTo(buffer);
            _bufferPos += n;
        }
        if (n == 0) throw TruncatedPayload();
        _payloadRemaining -= n;
        _position += n;
        return n;
    }

    /// <summary>
    /// After <see cref="ReadNext"/> returned null: the last entry's padding followed by the two 512-byte zero blocks,
    /// exactly as tar-split stores the end segment. When the input lacked (part of) the end marker the missing zero
    /// bytes are supplied here and <see cref="EndOfArchiveSynthesized"/> is true (the output is the normalized tar).
    /// </summary>
    /// <remarks>
    /// Like Go's reader, extension headers ('x', 'L', 'K') directly before the end marker belong to this segment too.
    /// </remarks>
    public ReadOnlyMemory<byte> EndOfArchive =>
        _state == ReaderState.Ended ? _endOfArchive : throw new InvalidOperationException("The end of the archive has not been reached yet.");

    /// <summary>True when the end-of-archive blocks (or the last padding) were missing and had to be synthesized.</summary>
    public bool EndOfArchiveSynthesized => _endOfArchiveSynthesized;

    /// <summary>How many zero bytes at the end of <see cref="EndOfArchive"/> were synthesized (0 for a complete tar).</summary>
    public int SynthesizedLength => _synthesizedLength;

    /// <summary>After the end: the bytes that follow the two zero blocks (record padding, anything else); 0 at end of input.</summary>
    public int ReadAfterEnd(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_state != ReaderState.Ended) throw new InvalidOperationException("ReadAfterEnd is only valid after ReadNext returned null.");
        if (buffer.IsEmpty) return 0;
        int n;
        if (_bufferEnd > _bufferPos)
        {
            n = Math.Min(buffer.Length, _bufferEnd - _bufferPos);
            _buffer.AsSpan(_bufferPos, n).CopyTo(buffer);
            _bufferPos += n;
        }
        else
        {
            n = _inputExhausted ? 0 : _input.Read(buffer);
            if (n == 0) _inputExhausted = true;
        }
        _position += n;
        return n;
    }

    /// <summary>Disposes the input unless it was opened with leaveOpen.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_leaveOpen) _input.Dispose();
    }

    /// <summary>True when every input byte has been consumed (used to check that a tar-split segment holds one header only).</summary>
    internal bool AtEndOfInput => _bufferEnd == _bufferPos && !FillBuffer();

    /// <summary>Refills the read-ahead buffer when it is empty; false at end of input.</summary>
    private bool FillBuffer()
    {
        if (_bufferEnd > _bufferPos) return true;
        _bufferPos = _bufferEnd = 0;
        if (_inputExhausted) return false;
        if (_bufferFilled && _buffer.Length < _maxBufferSize) _buffer = new byte[Math.Min(_maxBufferSize, 2 * _buffer.Length)];
        var n = _input.Read(_buffer, 0, _buffer.Length);
        _bufferFilled = n == _buffer.Length;
        if (n == 0)
        {
            _inputExhausted = true;
            return false;
        }
        _bufferEnd = n;
        return true;
    }

    /// <summary>Copies up to <paramref name="destination"/>.Length input bytes; fewer only at end of input.</summary>
    private int ReadFully(Span<byte> destination)
    {
        var total = 0;
        while (total < destination.Length && FillBuffer())
        {
            var n = Math.Min(destination.Length - total, _bufferEnd - _bufferPos);
            _buffer.AsSpan(_bufferPos, n).CopyTo(destination[total..]);
            _bufferPos += n;
            total += n;
        }
        _position += total;
        return total;
    }

    /// <summary>Discards up to <paramref name="count"/> input bytes; returns how many were there.</summary>
    private long Skip(long count)
    {
        long skipped = 0;
        while (skipped < count && FillBuffer())
        {
            var n = (int)Math.Min(count - skipped, _bufferEnd - _bufferPos);
            _bufferPos += n;
            skipped += n;
        }
        _position += skipped;
        return skipped;
    }

    private ChunkedBuildException TruncatedPayload() =>
        new(ErrorCodes.TarTruncated,
            $"the tar stream ends at offset {_position} inside the payload of entry '{_currentName}' ({_payloadRemaining} bytes missing)",
            _currentName);
}
