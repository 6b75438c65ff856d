using System.Buffers;

namespace ChunkedBuild.Core.IO;

/// <summary>A write-only stream that appends to a replaceable <see cref="IBufferWriter{T}"/> (lets a Stream-based encoder fill pooled buffers).</summary>
internal sealed class BufferWriterStream : WriteOnlyStream
{
    /// <summary>Where writes go; set before each use.</summary>
    public IBufferWriter<byte>? Target { get; set; }

    /// <summary>Bytes written since the counter was last reset.</summary>
    public long Count { get; set; }


    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var target = Target ?? throw new InvalidOperationException("no target buffer");
        target.Write(buffer);
        Count += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);
}
