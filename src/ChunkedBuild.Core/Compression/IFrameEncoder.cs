using System.Buffers;

namespace ChunkedBuild.Core.Compression;

/// <summary>
/// Compresses one independent unit (a zstd frame or a gzip member) from a complete input. Each unit's bytes depend only
/// on its input and the level, which is what makes parallel output identical to serial output.
/// One instance is used by one thread at a time and reused for many units.
/// </summary>
public interface IFrameEncoder : IDisposable
{
    /// <summary>Appends the complete compressed unit for <paramref name="input"/> to <paramref name="output"/>.</summary>
    void Encode(ReadOnlySpan<byte> input, IBufferWriter<byte> output);
}
