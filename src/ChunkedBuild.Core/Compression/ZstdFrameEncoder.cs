using System.Buffers;

namespace ChunkedBuild.Core.Compression;

/// <summary>One zstd frame per input (content size in the header, checksum off, window ≤ 8 MiB). Reuses one context.</summary>
public sealed class ZstdFrameEncoder : IFrameEncoder
{
    /// <summary>Creates an encoder for a zstd level (1..22; ChunkedBuild's default is 3).</summary>
    public ZstdFrameEncoder(int level) => throw new NotImplementedException();

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<byte> input, IBufferWriter<byte> output) => throw new NotImplementedException();

    /// <summary>Compresses a whole buffer into a new array (one frame).</summary>
    public static byte[] Compress(ReadOnlySpan<byte> input, int level) => throw new NotImplementedException();

    /// <inheritdoc />
    public void Dispose() => throw new NotImplementedException();
}
