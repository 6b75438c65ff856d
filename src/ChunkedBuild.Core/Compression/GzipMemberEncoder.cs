using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace ChunkedBuild.Core.Compression;

/// <summary>One gzip member per input (RFC 1952; MTIME 0, no name; deflate by the engine <see cref="DeflateEngines"/> chooses).</summary>
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

    private readonly IDeflater _deflater;
    private readonly byte _extraFlags;

    /// <summary>Creates an encoder for a gzip level (0..9; eStargz's default is 6) with this machine's engine.</summary>
    public GzipMemberEncoder(int level)
        : this(level, DeflateEngines.EngineFor(CheckLevel(level)))
    {
    }

    /// <summary>Creates an encoder for a gzip level with the named engine (<see cref="DeflateEngines.LibDeflate"/> or <see cref="DeflateEngines.ZlibNg"/>).</summary>
    public GzipMemberEncoder(int level, string engine)
    {
        Level = CheckLevel(level);
        _deflater = DeflateEngines.Create(engine, level);
        _extraFlags = level switch { 9 => 2, 1 => 4, _ => 0 };
    }

    private static int CheckLevel(int level) =>
        level is < 0 or > 9 ? throw new ArgumentOutOfRangeException(nameof(level), level, "gzip level must be 0..9") : level;

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

        _deflater.Deflate(input, output);

        var trailer = output.GetSpan(TrailerLength);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.HashToUInt32(input));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], unchecked((uint)input.Length));
        output.Advance(TrailerLength);
    }

    /// <inheritdoc />
    public void Dispose() => _deflater.Dispose();
}
