namespace ChunkedBuild.Core.Compression;

/// <summary>
/// A read-only view of <c>[offset, offset + length)</c> of a seekable stream, as a lazy puller sees one HTTP range.
/// Each read seeks the inner stream first, so several views of one blob may be used in turn.
/// </summary>
public sealed class RangeReadStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly long _start;
    private readonly long _length;
    private long _position;

    /// <summary>Creates a view; the range is clamped to the inner stream's length.</summary>
    public RangeReadStream(Stream inner, long offset, long length)
    {
        _inner = inner;
        _start = Math.Clamp(offset, 0, inner.Length);
        _length = Math.Clamp(length, 0, inner.Length - _start);
    }

    /// <summary>Reads the whole range into a new array.</summary>
    public static byte[] ReadAll(Stream inner, long offset, long length)
    {
        using var range = new RangeReadStream(inner, offset, length);
        var bytes = new byte[range.Length];
        range.ReadExactly(bytes);
        return bytes;
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var left = _length - _position;
        if (left <= 0) return 0;
        if (buffer.Length > left) buffer = buffer[..(int)left];
        _inner.Position = _start + _position;
        var n = _inner.Read(buffer);
        _position += n;
        return n;
    }


    /// <inheritdoc />
    public override long Length => _length;
    /// <inheritdoc />
    public override long Position { get => _position; set => throw new NotSupportedException(); }
}
