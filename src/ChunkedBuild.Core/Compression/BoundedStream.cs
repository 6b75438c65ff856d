namespace ChunkedBuild.Core.Compression;

/// <summary>Reads at most <c>limit</c> bytes of an inner stream (which it owns), like Go's <c>io.LimitReader</c>.</summary>
public sealed class BoundedStream(Stream inner, long limit) : Stream
{
    private readonly long _limit = limit;
    private long _left = limit;

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (_left <= 0) return 0;
        if (buffer.Length > _left) buffer = buffer[..(int)_left];
        var n = inner.Read(buffer);
        _left -= n;
        return n;
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    /// <inheritdoc />
    public override bool CanRead => true;
    /// <inheritdoc />
    public override bool CanSeek => false;
    /// <inheritdoc />
    public override bool CanWrite => false;
    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Position { get => _limit - _left; set => throw new NotSupportedException(); }
    /// <inheritdoc />
    public override void Flush() { }
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
