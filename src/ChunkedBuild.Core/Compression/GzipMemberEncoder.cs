using System.Buffers;
using System.IO.Compression;

namespace ChunkedBuild.Core.Compression;

/// <summary>
/// One gzip member per input (RFC 1952 as .NET writes it: MTIME 0, no file name), deflate by zlib-ng inside .NET at a
/// real zlib level 0..9. Each member depends only on its input and level.
/// </summary>
public sealed class GzipMemberEncoder : IFrameEncoder
{
    private readonly ZLibCompressionOptions _options;
    private readonly BufferWriterStream _sink = new();

    /// <summary>Creates an encoder for a gzip level (0..9; eStargz's default is 6).</summary>
    public GzipMemberEncoder(int level)
    {
        if (level is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(level), level, "gzip levels are 0..9");
        _options = new ZLibCompressionOptions { CompressionLevel = level, CompressionStrategy = ZLibCompressionStrategy.Default };
    }

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        _sink.Target = output;
        using (var gzip = new GZipStream(_sink, _options, leaveOpen: true)) gzip.Write(input);
        _sink.Target = null;
    }

    /// <inheritdoc />
    public void Dispose() { }

    /// <summary>A write-only stream that appends to the current <see cref="IBufferWriter{T}"/>.</summary>
    private sealed class BufferWriterStream : Stream
    {
        public IBufferWriter<byte>? Target { get; set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var target = Target ?? throw new InvalidOperationException("no target");
            buffer.CopyTo(target.GetSpan(buffer.Length));
            target.Advance(buffer.Length);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
