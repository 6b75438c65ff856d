namespace ChunkedBuild.Core.Tests.Compression;

/// <summary>A read-only, non-seekable view of bytes that returns at most <c>maxRead</c> bytes per call (like a pipe).</summary>
internal sealed class NonSeekableStream(byte[] data, int maxRead = 7919) : Core.IO.ReadOnlyStream
{
    private int _position;

    public bool Disposed { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, maxRead), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
