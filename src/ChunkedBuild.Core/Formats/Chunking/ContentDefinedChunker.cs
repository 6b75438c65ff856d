namespace ChunkedBuild.Core.Formats.Chunking;

/// <summary>
/// containers/storage's chunker (formats.md §1.4): zero runs of ≥ 1024 bytes become "zeros" chunks; data is cut where the
/// bup-style rollsum over a 64-byte window has its low 16 bits of s2 all set. No minimum or maximum chunk size. One
/// rollsum per file, rolled over hole bytes too and never reset between chunks, so boundaries equal c/storage's.
/// </summary>
/// <remarks>
/// Every byte is rolled as soon as it is seen. A zero byte might belong to a hole, whose bytes c/storage rolls without
/// split tests, so inside a zero run shorter than the threshold the split positions are only recorded; if the run ends
/// short they are applied (the zeros were data after all), if it reaches the threshold they are dropped.
/// </remarks>
public sealed class ContentDefinedChunker
{
    /// <summary>Zero runs at least this long become their own chunk.</summary>
    public const int ZeroRunThreshold = 1024;
    /// <summary>Split when the low <c>RollsumBits</c> bits of s2 are all ones.</summary>
    public const int RollsumBits = 16;

    private const uint SplitMask = (1u << RollsumBits) - 1;
    private const int WindowSize = 64;
    private const uint CharOffset = 31;

    private static readonly byte[] ZeroBlock = new byte[ZeroRunThreshold];

    private readonly IChunkSink _sink;
    private readonly byte[] _window = new byte[WindowSize];
    private readonly List<int> _runSplits = [];
    private uint _s1;
    private uint _s2;
    private int _windowOffset;
    private long _position;      // bytes of the file seen so far
    private long _chunkStart;    // start of the open chunk
    private long _delivered;     // bytes handed to the sink
    private long _runStart;      // start of the current zero run
    private long _runLength;     // length of the current zero run (0 = none)
    private bool _inHole;        // the current run reached the threshold

    /// <summary>Creates a chunker that reports to <paramref name="sink"/>.</summary>
    public ContentDefinedChunker(IChunkSink sink)
    {
        _sink = sink;
        Reset();
    }

    /// <summary>Feeds the next bytes of the current file.</summary>
    public void Write(ReadOnlySpan<byte> fileBytes)
    {
        var bufferStart = _position;
        var window = _window;
        var s1 = _s1;
        var s2 = _s2;
        var wofs = _windowOffset;
        for (var i = 0; i < fileBytes.Length; i++)
        {
            var b = fileBytes[i];
            uint drop = window[wofs];
            s1 += b - drop;
            s2 += s1 - WindowSize * (drop + CharOffset);
            window[wofs] = b;
            wofs = (wofs + 1) & (WindowSize - 1);
            var position = bufferStart + i;
            if (b != 0)
            {
                if (_runLength > 0) EndZeroRun(position, fileBytes, bufferStart);
                if ((s2 & SplitMask) == SplitMask) Cut(position + 1, fileBytes, bufferStart);
                continue;
            }
            if (_inHole) { _runLength++; continue; }
            if (_runLength == 0) _runStart = position;
            _runLength++;
            if (_runLength == ZeroRunThreshold)
            {
                // A hole: the data chunk ends where the run began; split tests inside the run never happened.
                _runSplits.Clear();
                Deliver(_runStart, fileBytes, bufferStart);
                if (_runStart > _chunkStart) _sink.EndChunk(ChunkType.Data);
                _chunkStart = _runStart;
                _inHole = true;
            }
            else if ((s2 & SplitMask) == SplitMask)
            {
                _runSplits.Add((int)(_runLength - 1));
            }
        }
        _s1 = s1;
        _s2 = s2;
        _windowOffset = wofs;
        _position = bufferStart + fileBytes.Length;
        // Hand over everything except a zero run whose fate is still open (holes are reported as a count at their end).
        if (!_inHole) Deliver(_runLength > 0 ? _runStart : _position, fileBytes, bufferStart);
    }

    /// <summary>Ends the current file (flushes pending zeros, ends the last chunk) and resets for the next file.</summary>
    public void Finish()
    {
        if (_inHole)
        {
            EndHole(_position);
        }
        else
        {
            if (_runLength > 0) EndZeroRun(_position, [], _position);
            Deliver(_position, [], _position);
            if (_position > _chunkStart) _sink.EndChunk(ChunkType.Data);
        }
        Reset();
    }

    /// <summary>A zero run ended at <paramref name="end"/> (a non-zero byte or end of file).</summary>
    private void EndZeroRun(long end, ReadOnlySpan<byte> buffer, long bufferStart)
    {
        if (_inHole)
        {
            EndHole(end);
            return;
        }
        // Shorter than the threshold: the zeros were data, and the splits recorded inside the run apply.
        foreach (var split in _runSplits) Cut(_runStart + split + 1, buffer, bufferStart);
        _runSplits.Clear();
        _runLength = 0;
    }

    private void EndHole(long end)
    {
        _sink.Zeros(end - _runStart);
        _sink.EndChunk(ChunkType.Zeros);
        _delivered = end;
        _chunkStart = end;
        _inHole = false;
        _runLength = 0;
    }

    private void Cut(long end, ReadOnlySpan<byte> buffer, long bufferStart)
    {
        Deliver(end, buffer, bufferStart);
        _sink.EndChunk(ChunkType.Data);
        _chunkStart = end;
    }

    /// <summary>
    /// Hands bytes up to <paramref name="end"/> to the sink. Bytes before the current buffer can only be the zeros of a run
    /// carried over from an earlier <see cref="Write"/>, so they come from a zero block.
    /// </summary>
    private void Deliver(long end, ReadOnlySpan<byte> buffer, long bufferStart)
    {
        while (_delivered < end && _delivered < bufferStart)
        {
            var n = (int)Math.Min(Math.Min(end, bufferStart) - _delivered, ZeroBlock.Length);
            _sink.Data(ZeroBlock.AsSpan(0, n));
            _delivered += n;
        }
        if (_delivered < end)
        {
            _sink.Data(buffer.Slice((int)(_delivered - bufferStart), (int)(end - _delivered)));
            _delivered = end;
        }
    }

    private void Reset()
    {
        Array.Clear(_window);
        _s1 = WindowSize * CharOffset;
        _s2 = WindowSize * (WindowSize - 1) * CharOffset;
        _windowOffset = 0;
        _position = _chunkStart = _delivered = _runStart = _runLength = 0;
        _runSplits.Clear();
        _inHole = false;
    }
}
