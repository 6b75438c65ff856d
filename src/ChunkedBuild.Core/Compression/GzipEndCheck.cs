using ChunkedBuild.Core.IO;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace ChunkedBuild.Core.Compression;

/// <summary>
/// Catches truncated gzip input, which <see cref="System.IO.Compression.GZipStream"/> reports as a normal end of stream.
/// At the end, the last 8 compressed bytes must be a valid trailer (RFC 1952 §2.3.1: CRC-32 and ISIZE, little-endian) of
/// the last member: either of the whole output (single member) or of its last ISIZE bytes (multi-member, checked when
/// the last member is within the retained tail, as with eStargz's empty footer member). A last member longer than the
/// tail in a multi-member stream cannot be checked and is accepted.
/// </summary>
internal sealed class GzipEndCheck
{
    private const int TailCapacity = 1 << 20;

    private readonly Crc32 _wholeCrc = new();
    // The ring, allocated as the output grows (a small layer never needs a 1 MiB array): until it wraps, it holds [0, _total).
    private byte[] _tail = [];
    private int _tailEnd;   // next write position in the ring
    private long _total;

    /// <summary>Feeds output bytes in order.</summary>
    public void Add(ReadOnlySpan<byte> output)
    {
        _wholeCrc.Append(output);
        var needed = (int)Math.Min(_total + output.Length, TailCapacity);
        if (needed > _tail.Length)
        {
            var grown = new byte[Math.Min(TailCapacity, Math.Max(needed, Math.Max(4096, 2 * _tail.Length)))];
            _tail.CopyTo(grown, 0);
            _tail = grown;
        }
        _total += output.Length;
        if (output.Length >= TailCapacity)
        {
            output[^TailCapacity..].CopyTo(_tail);
            _tailEnd = 0;
            return;
        }
        int first = Math.Min(output.Length, TailCapacity - _tailEnd);
        output[..first].CopyTo(_tail.AsSpan(_tailEnd));
        output[first..].CopyTo(_tail);
        _tailEnd = (_tailEnd + output.Length) % TailCapacity;
    }

    /// <summary>
    /// True unless the stream provably ended inside a member. <paramref name="lastCompressedBytes"/> are the final bytes
    /// of the compressed input (fewer than 8 means the input was shorter than any complete member).
    /// </summary>
    public bool EndedCleanly(ReadOnlySpan<byte> lastCompressedBytes)
    {
        if (lastCompressedBytes.Length < 8) return false;
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(lastCompressedBytes[^8..]);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(lastCompressedBytes[^4..]);
        if (crc == _wholeCrc.GetCurrentHashAsUInt32() && size == unchecked((uint)_total)) return true;
        long retained = Math.Min(_total, TailCapacity);
        if (size > retained) return size < _total; // a long last member of a multi-member stream: cannot tell
        var suffix = new Crc32();
        int start = (int)(((_tailEnd - size) % TailCapacity + TailCapacity) % TailCapacity);
        if (start + size <= TailCapacity) suffix.Append(_tail.AsSpan(start, (int)size));
        else
        {
            suffix.Append(_tail.AsSpan(start));
            suffix.Append(_tail.AsSpan(0, (int)(size - (TailCapacity - start))));
        }
        return suffix.GetCurrentHashAsUInt32() == crc;
    }
}

/// <summary>A read-through stream that remembers the last 8 bytes read (the gzip trailer once the input is exhausted).</summary>
internal sealed class TailRecordingStream(Stream inner) : ReadOnlyStream
{
    private readonly byte[] _last = new byte[8];
    private int _count;

    /// <summary>The last up to 8 bytes read so far.</summary>
    public ReadOnlySpan<byte> Last => _last.AsSpan(8 - _count);


    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        if (n >= 8)
        {
            buffer.Slice(n - 8, 8).CopyTo(_last);
            _count = 8;
        }
        else if (n > 0)
        {
            // Shift the kept bytes left and append the new ones at the end.
            _last.AsSpan(n).CopyTo(_last);
            buffer[..n].CopyTo(_last.AsSpan(8 - n));
            _count = Math.Min(8, _count + n);
        }
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
