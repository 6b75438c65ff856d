using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace ChunkedBuild.Core.Compression;

/// <summary>One gzip member per input (RFC 1952; MTIME 0, no name; deflate via System.IO.Compression / zlib-ng).</summary>
/// <remarks>
/// The 10-byte header is written here, not by zlib, so the bytes are the same on every platform:
/// <c>1F 8B</c> magic, <c>08</c> CM = deflate, <c>00</c> FLG (no name/comment/extra/hcrc), <c>00 00 00 00</c> MTIME,
/// XFL (<c>02</c> for level 9, <c>04</c> for level 1, else <c>00</c> — Go's compress/gzip rule), <c>FF</c> OS = unknown
/// (as Go writes). Then the raw deflate stream, then the trailer: CRC-32 and ISIZE (input length mod 2³²), both
/// little-endian.
/// </remarks>
public sealed class GzipMemberEncoder : IFrameEncoder
{
    private const int HeaderLength = 10;
    private const int TrailerLength = 8;

    private readonly ZLibCompressionOptions _options;
    private readonly BufferWriterStream _sink = new();
    private readonly byte _extraFlags;

    /// <summary>Creates an encoder for a gzip level (0..9; eStargz's default is 6).</summary>
    public GzipMemberEncoder(int level)
    {
        if (level is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(level), level, "gzip level must be 0..9");
        Level = level;
        _options = new ZLibCompressionOptions { CompressionLevel = level, CompressionStrategy = ZLibCompressionStrategy.Default };
        _extraFlags = level switch { 9 => 2, 1 => 4, _ => 0 };
    }

    /// <summary>The compression level.</summary>
    public int Level { get; }

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var header = output.GetSpan(HeaderLength);
        header[0] = 0x1F;
        header[1] = 0x8B;
        header[2] = 8;
        header[3..8].Clear();
        header[8] = _extraFlags;
        header[9] = 0xFF;
        output.Advance(HeaderLength);

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

        var trailer = output.GetSpan(TrailerLength);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.HashToUInt32(input));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], unchecked((uint)input.Length));
        output.Advance(TrailerLength);
    }

    /// <inheritdoc />
    public void Dispose() => _sink.Dispose();
}
