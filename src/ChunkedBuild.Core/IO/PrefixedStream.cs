namespace ChunkedBuild.Core.IO;

/// <summary>A read-only stream that yields already-read head bytes, then the rest of the inner stream (peeking without seeking).</summary>
internal sealed class PrefixedStream : ReadOnlyStream
{
    private readonly byte[] _prefix;
    private readonly int _prefixLength;
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private int _prefixPosition;

    public PrefixedStream(byte[] prefix, int prefixLength, Stream inner, bool leaveOpen)
    {
        _prefix = prefix;
        _prefixLength = prefixLength;
        _inner = inner;
        _leaveOpen = leaveOpen;
    }


    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        if (_prefixPosition < _prefixLength)
        {
            int n = Math.Min(buffer.Length, _prefixLength - _prefixPosition);
            _prefix.AsSpan(_prefixPosition, n).CopyTo(buffer);
            _prefixPosition += n;
            return n;
        }
        return _inner.Read(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        if (_prefixPosition < _prefixLength) return Read(buffer.Span);
        return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen) _inner.Dispose();
        base.Dispose(disposing);
    }
}
