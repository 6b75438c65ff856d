namespace ChunkedBuild.Core.Compression;

/// <summary>
/// Chooses the zstd frame encoder: the native libzstd backend when it loads on this machine (faster, same bytes), else
/// the managed ZstdSharp port. Both produce identical frames, so the choice never changes a digest.
/// </summary>
public static class ZstdEncoders
{
    /// <summary>A factory of encoders for <paramref name="level"/>, probing the native backend once per call.</summary>
    /// <param name="level">The zstd level.</param>
    /// <param name="managed">Use the managed encoder whatever loads (the edges set it from <c>CHUNKEDBUILD_ZSTD=managed</c>).</param>
    public static Func<IFrameEncoder> Factory(int level, bool managed = false)
    {
        if (managed) return () => new ZstdFrameEncoder(level);
        try
        {
            new NativeZstdFrameEncoder(level).Dispose();
            return () => new NativeZstdFrameEncoder(level);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or TypeInitializationException)
        {
            return () => new ZstdFrameEncoder(level);
        }
    }

    /// <summary>Compresses a whole buffer into one frame with the chosen backend (<paramref name="managed"/>: as for <see cref="Factory"/>).</summary>
    public static byte[] Compress(ReadOnlySpan<byte> input, int level, bool managed = false)
    {
        using var encoder = Factory(level, managed)();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(input.Length / 2 + 1024);
        encoder.Encode(input, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
