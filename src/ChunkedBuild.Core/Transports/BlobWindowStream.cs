using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports;

/// <summary>
/// A seekable, read-only view of a blob that fetches only the windows a reader touches (ranged reads from the source: HTTP Range for a
/// registry), so a lazy layer's footer and TOC can be read without downloading the layer. Not verified against the digest: callers
/// use it for what the TOC says, never to vouch for the blob.
/// </summary>
internal sealed class BlobWindowStream : Stream
{
    /// <summary>Bytes fetched per window.</summary>
    private const int WindowSize = 1 << 20;

    private readonly IImageSource _source;
    private readonly Descriptor _blob;
    private readonly CancellationToken _cancellationToken;
    private long _windowStart = -1;
    private byte[] _window = [];
    private long _position;

    public BlobWindowStream(IImageSource source, Descriptor blob, CancellationToken cancellationToken)
    {
        _source = source;
        _blob = blob;
        _cancellationToken = cancellationToken;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _blob.Size;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= Length || buffer.Length == 0) return 0;
        if (_windowStart < 0 || _position < _windowStart || _position >= _windowStart + _window.Length)
        {
            var start = _position / WindowSize * WindowSize;
            var length = (int)Math.Min(WindowSize, Length - start);
            _window = _source.ReadBlobRangeAsync(_blob, start, length, _cancellationToken).GetAwaiter().GetResult();
            _windowStart = start;
            if (_window.Length == 0) return 0;
        }
        var at = (int)(_position - _windowStart);
        var n = Math.Min(buffer.Length, _window.Length - at);
        _window.AsSpan(at, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
