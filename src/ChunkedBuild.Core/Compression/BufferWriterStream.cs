using System.Buffers;

namespace ChunkedBuild.Core.Compression;

/// <summary>A write-only stream that appends to a replaceable <see cref="IBufferWriter{T}"/> (lets a Stream-based encoder fill pooled buffers).</summary>
internal sealed class BufferWriterStream : Stream
{
    /// <summary>Where writes go; set before each use.</summary>
    public IBufferWriter<byte>? Target { get; set; }

    /// <summary>Bytes written since the counter was last reset.</summary>
    public long Count { get; set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var target = Target ?? throw new InvalidOperationException("no target buffer");
        target.Write(buffer);
        Count += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);
}
