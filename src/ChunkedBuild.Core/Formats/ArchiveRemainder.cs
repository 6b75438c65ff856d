using System.Buffers;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// What follows a layer's end-of-archive marker, read to the end of the input by every writer, as stargz-snapshotter's writer drains its
/// input: reading to the end makes the decompressor check the compressed stream's own end (a gzip stream followed by anything but another
/// member is corrupt to every gzip reader: CHB1202), and zero bytes (record padding) are the only remainder a layer may have. Non-zero
/// bytes are CHB1111 in both formats: containers/storage's tar-split iteration would parse them as a header (zstd:chunked), and an eStargz
/// blob cannot carry them (its TOC entry follows the last entry in the same tar), so they would be lost silently.
/// </summary>
internal static class ArchiveRemainder
{
    /// <summary>Bytes are handed on in tar-split's own chunks (its <c>paddingChunkSize</c>): zstd:chunked writes one tar-split segment per chunk.</summary>
    private const int BlockSize = TarSplitter.TrailingChunkSize;

    private const int TarBlock = 512;

    /// <summary>
    /// Reads every byte after the end marker; hands the (zero) bytes to <paramref name="keep"/> when given, as tar-split segments: then each
    /// must also be readable as the end of a tar by Go's reader (containers/storage's <c>IterateHeaders</c> parses every segment as a
    /// header): exactly one 512-byte block, or at least two. <paramref name="why"/> ends the CHB1111 message (what goes wrong with such
    /// bytes in this format).
    /// </summary>
    public static void Read(RawTarReader reader, string? layerName, string why, Action<ReadOnlySpan<byte>>? keep = null)
    {
        // Nearly every layer ends at its end marker: then no block is rented (on a writer's own thread it would not be pooled).
        if (reader.AtEndOfInput) return;
        var block = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            int n;
            while ((n = ReadFull(reader, block.AsSpan(0, BlockSize))) > 0)
            {
                if (block.AsSpan(0, n).ContainsAnyExcept((byte)0))
                {
                    throw new ChunkedBuildException(ErrorCodes.DataAfterEndOfArchive,
                        $"non-zero bytes follow the end-of-archive marker (after tar offset {reader.Position - n}); {why}", layer: layerName);
                }
                if (keep is not null && n is < TarBlock or (> TarBlock and < 2 * TarBlock))
                {
                    throw new ChunkedBuildException(ErrorCodes.DataAfterEndOfArchive,
                        $"{n} zero bytes after the end-of-archive marker (from tar offset {reader.Position - n}) are not whole tar blocks; {why}", layer: layerName);
                }
                keep?.Invoke(block.AsSpan(0, n));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    private static int ReadFull(RawTarReader reader, Span<byte> buffer)
    {
        var total = 0;
        int n;
        while (total < buffer.Length && (n = reader.ReadAfterEnd(buffer[total..])) > 0) total += n;
        return total;
    }
}
