using System.Buffers;

namespace ChunkedBuild.Core.Compression;

/// <summary>
/// The native zstd backend (libzstd 1.5.7 shipped in the ZstdNet package): the same frames as
/// <see cref="ZstdFrameEncoder"/> byte for byte, produced faster and without JIT warm-up. Parameters mirror the managed
/// encoder: content size in the header, no checksum, window at most 8 MiB.
/// </summary>
public sealed class NativeZstdFrameEncoder : IFrameEncoder
{
    private readonly ZstdNet.CompressionOptions _options;
    private readonly ZstdNet.Compressor _compressor;

    /// <summary>Creates an encoder; throws <see cref="DllNotFoundException"/> (or a load error) when libzstd is missing.</summary>
    public NativeZstdFrameEncoder(int level)
    {
        var parameters = new Dictionary<ZstdNet.ZSTD_cParameter, int>
        {
            [ZstdNet.ZSTD_cParameter.ZSTD_c_contentSizeFlag] = 1,
            [ZstdNet.ZSTD_cParameter.ZSTD_c_checksumFlag] = 0,
        };
        if (level >= 19) parameters[ZstdNet.ZSTD_cParameter.ZSTD_c_windowLog] = ZstdFrameEncoder.MaxWindowLog;
        _options = new ZstdNet.CompressionOptions(null, parameters, level);
        _compressor = new ZstdNet.Compressor(_options);
    }

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(ZstdNet.Compressor.GetCompressBound(input.Length));
        var written = _compressor.Wrap(input, span);
        output.Advance(written);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _compressor.Dispose();
        _options.Dispose();
    }
}
