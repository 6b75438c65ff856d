namespace ChunkedBuild.Core.Compression;

/// <summary>
/// Base of the write-only stream adapters (hashers, counters, buffer sinks): subclasses implement
/// <see cref="Write(ReadOnlySpan{byte})"/>; reading and seeking are not supported.
/// </summary>
public abstract class WriteOnlyStream : Stream
{
    /// <inheritdoc />
    public abstract override void Write(ReadOnlySpan<byte> buffer);
    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    /// <inheritdoc />
    public override bool CanRead => false;
    /// <inheritdoc />
    public override bool CanSeek => false;
    /// <inheritdoc />
    public override bool CanWrite => true;
    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <inheritdoc />
    public override void Flush() { }
    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
}
