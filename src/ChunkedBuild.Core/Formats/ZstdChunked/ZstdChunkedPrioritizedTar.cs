using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// Rewrites a tar with prioritized entries first, in the order stargz-snapshotter's Build uses (each listed path preceded by its
/// not-yet-written parent directories and hard-link targets), then every other entry in tar order, then an end-of-archive marker.
/// Every entry keeps its exact header bytes (PAX/GNU records included) and payload; only the order changes, so the result is a
/// different tar (a new DiffID). Used for zstd:chunked with prioritized order; the input is spooled to a temporary file once.
/// </summary>
internal static class ZstdChunkedPrioritizedTar
{
    private const int Block = 512;

    /// <summary>Returns a readable stream (a self-deleting temporary file) of the reordered tar.</summary>
    /// <remarks>Each of the two temporary files (the spooled input, the reordered output) may hold at most <paramref name="spoolLimit"/> bytes (CHB1203).</remarks>
    public static Stream Reorder(Stream tar, IReadOnlyList<string> prioritized, string tempDirectory, string? layerName, long spoolLimit, CancellationToken cancellationToken)
    {
        var folder = tempDirectory;
        const string purpose = "reordering the entries (prioritized files first)";
        var spool = SpoolFile.Create(folder, spoolLimit, purpose);
        SpoolFile output;
        try
        {
            output = SpoolFile.Create(folder, spoolLimit, purpose);
        }
        catch
        {
            spool.Dispose();
            throw;
        }
        try
        {
            var entries = new List<(TarEntryInfo Info, long HeaderOffset, long DataOffset)>();
            using (var reader = new RawTarReader(tar, leaveOpen: true))
            {
                var rules = new EntryRules(layerName);
                var buffer = new byte[1 << 16];
                while (reader.ReadNext() is { } entry)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    rules.Check(entry);
                    var headerOffset = spool.Position;
                    spool.Write(entry.HeaderBytes.Span);
                    var dataOffset = spool.Position;
                    int n;
                    while ((n = reader.ReadData(buffer)) > 0) spool.Write(buffer, 0, n);
                    entries.Add((entry.Info, headerOffset, dataOffset));
                }
            }
            var order = EStargzEntryOrder.Arrange(entries.Select(e => e.Info).ToList(), prioritized);
            foreach (var index in order.Prioritized.Concat(order.Rest)) Copy(spool, output, entries[index].HeaderOffset, entries[index].DataOffset, entries[index].Info.Size);
            output.Write(new byte[2 * Block]);
            output.Flush();
            output.Position = 0;
            spool.Dispose();
            return output;
        }
        catch
        {
            spool.Dispose();
            output.Dispose();
            throw;
        }
    }

    private static void Copy(SpoolFile spool, SpoolFile output, long headerOffset, long dataOffset, long size)
    {
        spool.Position = headerOffset;
        var buffer = new byte[1 << 16];
        for (var remaining = dataOffset - headerOffset + size; remaining > 0;)
        {
            var n = spool.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (n == 0) throw new ChunkedBuildException(ErrorCodes.IoError, "the reorder spool file ended early");
            output.Write(buffer, 0, n);
            remaining -= n;
        }
        var padding = (int)((Block - size % Block) % Block);
        if (padding > 0) output.Write(new byte[padding]);
    }
}
