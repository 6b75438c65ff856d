using System.Buffers;
using System.IO.Compression;
using ChunkedBuild.Core.IO;

namespace ChunkedBuild.Core.Compression;

/// <summary>Raw deflate through <see cref="DeflateStream"/>: the zlib-ng that ships inside the .NET runtime (2.2.5 in .NET 10).</summary>
public sealed class ZlibNgDeflater : IDeflater
{
    private readonly ZLibCompressionOptions _options;
    private readonly BufferWriterStream _sink = new();

    /// <summary>Creates a deflater for a level (0..9).</summary>
    public ZlibNgDeflater(int level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        _options = new ZLibCompressionOptions { CompressionLevel = level, CompressionStrategy = ZLibCompressionStrategy.Default };
    }

    /// <inheritdoc />
    public void Deflate(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        _sink.Target = output;
        _sink.Count = 0;
        try
        {
            using (var deflate = new DeflateStream(_sink, _options, leaveOpen: true))
            {
                deflate.Write(input);
            }
            if (_sink.Count == 0)
            {
                // An empty deflate stream still needs its final block: a fixed-Huffman block with BFINAL=1 holding only
                // end-of-block (bits 1, 01, 0000000 → bytes 03 00).
                _sink.Write([0x03, 0x00]);
            }
        }
        finally
        {
            _sink.Target = null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _sink.Dispose();
}
