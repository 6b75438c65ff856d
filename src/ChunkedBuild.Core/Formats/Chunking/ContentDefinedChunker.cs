using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ChunkedBuild.Core.Formats.Chunking;

/// <summary>
/// containers/storage's chunker (docs/formats.md §1.4): zero runs of ≥ 1024 bytes become "zeros" chunks; data is cut where the
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

    /// <summary>Bytes rolled at once by <see cref="RollBlock"/>.</summary>
    private const int Block = 8;

    /// <summary>1..8: the lane's position in a block.</summary>
    private static readonly Vector128<ushort> Lanes = Vector128.Create((ushort)1, 2, 3, 4, 5, 6, 7, 8);

    private readonly IChunkSink _sink;
    private readonly byte[] _window = new byte[WindowSize]; // the last 64 bytes seen, oldest first
    private readonly List<int> _runSplits = [];
    private uint _s1;
    private uint _s2;
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
        var n = fileBytes.Length;
        var s1 = _s1;
        var s2 = _s2;
        var run = (uint)_runLength;
        var pending = _runSplits.Count > 0;
        // The rollsum drops the byte 64 positions back: from the history of earlier writes for the first 64 bytes,
        // from this buffer itself after that (no ring buffer in the hot loop).
        ref var data = ref MemoryMarshal.GetReference(fileBytes);
        ref var history = ref MemoryMarshal.GetArrayDataReference(_window);
        var i = 0;
        if (_inHole)
        {
            i = SkipHole(fileBytes, 0, ref s1, ref s2);
            if (i == n)
            {
                Finish(fileBytes, bufferStart, s1, s2, run);
                return;
            }
            EndHole(bufferStart + i);
            run = 0;
        }
        var blocks = Sse2.IsSupported;
        for (; i < n; i++)
        {
            // Eight bytes at a time while nothing can happen in them (no split, no hole, no deferred split): ~3× faster.
            if (blocks && !pending && i >= WindowSize && i <= n - Block && RollBlock(ref Unsafe.Add(ref data, i), ref s1, ref s2, ref run))
            {
                i += Block - 1;
                continue;
            }
            uint b = Unsafe.Add(ref data, i);
            uint drop = i >= WindowSize ? Unsafe.Add(ref data, i - WindowSize) : Unsafe.Add(ref history, i);
            s1 += b - drop;
            s2 += s1 - WindowSize * (drop + CharOffset);
            // Branch-free zero-run length: +1 on a zero byte, reset to 0 otherwise.
            run = (run + 1) & (uint)-(int)((b - 1u) >> 31);
            if (!(((s2 & SplitMask) == SplitMask) | pending | (run == ZeroRunThreshold))) continue;

            // Rare: a split, the end of a zero run holding deferred splits, or a hole.
            var position = bufferStart + i;
            if (pending && b != 0)
            {
                ApplyRunSplits(fileBytes, bufferStart);
                pending = false;
            }
            if (run == ZeroRunThreshold)
            {
                // A hole: the data chunk ends where the run began; split tests inside the run never happened.
                _runStart = position - (ZeroRunThreshold - 1);
                _runSplits.Clear();
                pending = false;
                Deliver(_runStart, fileBytes, bufferStart);
                if (_runStart > _chunkStart) _sink.EndChunk(ChunkType.Data);
                _chunkStart = _runStart;
                _inHole = true;
                var end = SkipHole(fileBytes, i + 1, ref s1, ref s2);
                if (end == n)
                {
                    Finish(fileBytes, bufferStart, s1, s2, run);
                    return;
                }
                EndHole(bufferStart + end);
                run = 0;
                i = end - 1; // the next iteration rolls the non-zero byte that ended the hole
                continue;
            }
            if ((s2 & SplitMask) == SplitMask)
            {
                if (b != 0)
                {
                    Cut(position + 1, fileBytes, bufferStart);
                }
                else
                {
                    // Inside a zero run the split counts only if the run stays shorter than the threshold.
                    if (_runSplits.Count == 0) _runStart = position - (run - 1);
                    _runSplits.Add((int)(run - 1));
                    pending = true;
                }
            }
        }
        Finish(fileBytes, bufferStart, s1, s2, run);
    }

    /// <summary>
    /// Rolls the eight bytes at <paramref name="bytes"/> (the window's dropped bytes are the 64 before them) when none of them
    /// splits, ends a deferred run or reaches a hole; otherwise changes nothing and returns false (the caller rolls them one
    /// by one). The split test reads only the low 16 bits of s2, which depend only on the low 16 bits of everything rolled
    /// (additions and multiplications by constants), so the eight s2 values come from 16-bit prefix sums:
    /// s2ₖ = s2₀ + k·s1₀ + Σⱼ≤ₖ Pⱼ − 64·Σⱼ≤ₖ dropⱼ − 64·31·k, with Pⱼ = Σᵢ≤ⱼ (byteᵢ − dropᵢ). From here on the high
    /// bits of s1 and s2 are not maintained (nothing reads them).
    /// Written with SSE2 (the x64 baseline) and inlined: ahead-of-time code (Native AOT, ReadyToRun) does not inline the generic
    /// <c>Vector128</c> helpers whose best form depends on optional instruction sets (measured: the chunker took twice its JIT time).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool RollBlock(ref byte bytes, ref uint s1, ref uint s2, ref uint run)
    {
        var x = Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref bytes)).AsByte());
        var drop = Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Subtract(ref bytes, WindowSize))).AsByte());
        var p = PrefixSum(x - drop);
        var s2k = Vector128.Create((ushort)s2) + Lanes * Vector128.Create((ushort)(s1 - WindowSize * CharOffset)) + PrefixSum(p) - (PrefixSum(drop) << 6);
        if (Vector128.EqualsAny(s2k, Vector128.Create((ushort)SplitMask))) return false;
        // Zero bytes: lanes 0.. that continue the current run must not take it to the threshold; the run then ends
        // with the zeros at the end of the block.
        var isZero = Sse2.CompareEqual(x, Vector128<ushort>.Zero).AsInt16();
        var zeros = (uint)Sse2.MoveMask(Sse2.PackSignedSaturate(isZero, isZero).AsByte()) & 0xFFu; // bit k: lane k is zero
        var leading = (uint)BitOperations.TrailingZeroCount(~zeros | 0x100u);
        if (run + leading >= ZeroRunThreshold) return false;
        run = zeros == 0xFF ? run + Block : (uint)BitOperations.LeadingZeroCount(~zeros << 24);
        s1 += p.GetElement(Block - 1);
        s2 = s2k.GetElement(Block - 1);
        return true;
    }

    /// <summary>Inclusive prefix sums of the eight 16-bit lanes (lane k gets lanes 0..k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> PrefixSum(Vector128<ushort> v)
    {
        v += Sse2.ShiftLeftLogical128BitLane(v.AsByte(), 2).AsUInt16();
        v += Sse2.ShiftLeftLogical128BitLane(v.AsByte(), 4).AsUInt16();
        return v + Sse2.ShiftLeftLogical128BitLane(v.AsByte(), 8).AsUInt16();
    }

    /// <summary>Rolls the zeros from <paramref name="from"/> up to the next non-zero byte (or the end); returns where they end.</summary>
    /// <remarks>
    /// Only the first 64 of them need rolling: s1 is 64·31 plus the sum of the window, so once the window holds only zeros s1 is
    /// 64·31, and rolling another zero adds 0 to s1 and s1 − 64·(0 + 31) = 0 to s2. A hole of any size costs 64 steps.
    /// </remarks>
    private int SkipHole(ReadOnlySpan<byte> fileBytes, int from, ref uint s1, ref uint s2)
    {
        var rest = fileBytes[from..].IndexOfAnyExcept((byte)0);
        var end = rest < 0 ? fileBytes.Length : from + rest;
        var rolled = Math.Min(end, from + WindowSize);
        for (var k = from; k < rolled; k++)
        {
            uint drop = k >= WindowSize ? fileBytes[k - WindowSize] : _window[k];
            s1 -= drop;
            s2 += s1 - WindowSize * (drop + CharOffset);
        }
        return end;
    }

    /// <summary>Saves the rolling state after a write and hands over everything that is decided.</summary>
    private void Finish(ReadOnlySpan<byte> fileBytes, long bufferStart, uint s1, uint s2, uint run)
    {
        _s1 = s1;
        _s2 = s2;
        RememberLast64(fileBytes);
        _position = bufferStart + fileBytes.Length;
        if (_inHole) return; // a hole is reported as a count when it ends
        _runLength = run;
        if (run > 0) _runStart = _position - run;
        // Everything except a zero run whose fate is still open.
        Deliver(run > 0 ? _runStart : _position, fileBytes, bufferStart);
    }

    /// <summary>Keeps the last 64 bytes seen (oldest first): the bytes the next write's first 64 rolls drop.</summary>
    private void RememberLast64(ReadOnlySpan<byte> fileBytes)
    {
        if (fileBytes.Length >= WindowSize)
        {
            fileBytes[^WindowSize..].CopyTo(_window);
            return;
        }
        _window.AsSpan(fileBytes.Length).CopyTo(_window);
        fileBytes.CopyTo(_window.AsSpan(WindowSize - fileBytes.Length));
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
            if (_runLength > 0) ApplyRunSplits([], _position);
            Deliver(_position, [], _position);
            if (_position > _chunkStart) _sink.EndChunk(ChunkType.Data);
        }
        Reset();
    }

    /// <summary>A zero run ended shorter than the threshold: its zeros were data, and the splits recorded inside it apply.</summary>
    private void ApplyRunSplits(ReadOnlySpan<byte> buffer, long bufferStart)
    {
        foreach (var split in _runSplits) Cut(_runStart + split + 1, buffer, bufferStart);
        _runSplits.Clear();
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
        _position = _chunkStart = _delivered = _runStart = _runLength = 0;
        _runSplits.Clear();
        _inHole = false;
    }
}
