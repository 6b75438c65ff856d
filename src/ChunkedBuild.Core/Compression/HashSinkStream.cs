using System.Security.Cryptography;

namespace ChunkedBuild.Core.Compression;

/// <summary>A write-only stream that only feeds an <see cref="IncrementalHash"/> (hashing a stream nobody stores).</summary>
public sealed class HashSinkStream(IncrementalHash hash) : Stream
{
    /// <summary>Bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash.AppendData(buffer);
        BytesWritten += buffer.Length;
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    /// <inheritdoc />
    public override bool CanRead => false;
    /// <inheritdoc />
    public override bool CanSeek => false;
    /// <inheritdoc />
    public override bool CanWrite => true;
    /// <inheritdoc />
    public override long Length => BytesWritten;
    /// <inheritdoc />
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }
    /// <inheritdoc />
    public override void Flush() { }
    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
}
