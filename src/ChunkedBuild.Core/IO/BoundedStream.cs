namespace ChunkedBuild.Core.IO;

/// <summary>Reads at most <c>limit</c> bytes of an inner stream (which it owns), like Go's <c>io.LimitReader</c>.</summary>
public sealed class BoundedStream(Stream inner, long limit) : ReadOnlyStream
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
    public override long Position { get => _limit - _left; set => throw new NotSupportedException(); }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
