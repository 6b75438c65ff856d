using System.Buffers;

namespace ChunkedBuild.Core.Compression;

/// <summary>One gzip member per input (RFC 1952; MTIME 0, no name; deflate via System.IO.Compression / zlib-ng).</summary>
public sealed class GzipMemberEncoder : IFrameEncoder
{
    /// <summary>Creates an encoder for a gzip level (0..9; eStargz's default is 6).</summary>
    public GzipMemberEncoder(int level) => throw new NotImplementedException();

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<byte> input, IBufferWriter<byte> output) => throw new NotImplementedException();

    /// <inheritdoc />
    public void Dispose() => throw new NotImplementedException();
}
