using System.Buffers;

namespace ChunkedBuild.Core.Compression;

/// <summary>
/// A raw deflate stream (RFC 1951, no zlib or gzip wrapper) of one complete input, ending with a final block. One instance
/// is used by one thread at a time and reused for many inputs; its output depends only on the input, the level and the
/// engine (see <see cref="DeflateEngines"/>).
/// </summary>
public interface IDeflater : IDisposable
{
    /// <summary>Appends the raw deflate stream of <paramref name="input"/> to <paramref name="output"/>.</summary>
    void Deflate(ReadOnlySpan<byte> input, IBufferWriter<byte> output);
}
