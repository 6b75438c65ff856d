using System.Buffers;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace ChunkedBuild.Core.Compression;

/// <summary>
/// One zstd frame per input: content size in the frame header, no checksum, window at most 8 MiB (windowLog 23, the size
/// every conforming decoder must support). One reused compression context; each frame depends only on its input and level.
/// </summary>
public sealed class ZstdFrameEncoder : IFrameEncoder
{
    /// <summary>log2 of the largest window ChunkedBuild lets zstd use (8 MiB).</summary>
    public const int MaxWindowLog = 23;

    private readonly Compressor _compressor;

    /// <summary>Creates an encoder for a zstd level (1..22; ChunkedBuild's default is 3).</summary>
    public ZstdFrameEncoder(int level)
    {
        _compressor = new Compressor(level);
        _compressor.SetParameter(ZSTD_cParameter.ZSTD_c_contentSizeFlag, 1);
        _compressor.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 0);
        // High levels default to bigger windows; cap them (a frame with known content size shrinks it further).
        if (level >= 19) _compressor.SetParameter(ZSTD_cParameter.ZSTD_c_windowLog, MaxWindowLog);
    }

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        var bound = Compressor.GetCompressBound(input.Length);
        var span = output.GetSpan(bound);
        var written = _compressor.Wrap(input, span);
        output.Advance(written);
    }

    /// <summary>Compresses a whole buffer into a new array (one frame).</summary>
    public static byte[] Compress(ReadOnlySpan<byte> input, int level)
    {
        using var encoder = new ZstdFrameEncoder(level);
        var buffer = new ArrayBufferWriter<byte>(Compressor.GetCompressBound(input.Length));
        encoder.Encode(input, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _compressor.Dispose();
}
