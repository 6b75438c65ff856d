namespace ChunkedBuild.Core.Compression;

/// <summary>
/// Opens a zstd stream (consecutive frames, skippable ones skipped) with the native libzstd decoder shipped in the ZstdNet package when it
/// loads, else the managed ZstdSharp one: the native one decodes several times faster and needs no JIT warm-up. Only for callers that
/// prove what they read by its hash (a decoder that ended quietly at a frame cut short gives another hash, so the choice cannot change an
/// outcome); decode errors surface as <see cref="IsDecodeError"/> exceptions from the reads.
/// </summary>
internal static class ZstdDecoding
{
    /// <summary>A decoder of <paramref name="zstd"/> (disposing it leaves <paramref name="zstd"/> open).</summary>
    public static Stream Open(Stream zstd)
    {
        try
        {
            return new ZstdNet.DecompressionStream(new NonClosingStream(zstd), 1 << 17);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or TypeInitializationException)
        {
            return new ZstdSharp.DecompressionStream(zstd, checkEndOfStream: true, leaveOpen: true);
        }
    }

    /// <summary>Whether <paramref name="e"/> is how one of these decoders reports undecodable data.</summary>
    public static bool IsDecodeError(Exception e) => e is ZstdNet.ZstdException or ZstdSharp.ZstdException or InvalidDataException;

    /// <summary>Keeps the decoder from closing the caller's stream.</summary>
    private sealed class NonClosingStream(Stream inner) : IO.ReadOnlyStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
    }
}
