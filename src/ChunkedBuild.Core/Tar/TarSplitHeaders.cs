using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// tar-split's <c>asm.IterateHeaders</c>: re-parses each entry's header from the segment before its file line (after
/// stripping the previous file's expected padding) and pairs it with the file line. Any other grouping fails, as it
/// does in containers/storage.
/// </summary>
public static class TarSplitHeaders
{
    /// <summary>Yields (file line, parsed header) for every file line; throws CHB1301 when a segment is not exactly one header.</summary>
    public static IEnumerable<(TarSplitEntry File, TarEntryInfo Header)> Iterate(IEnumerable<TarSplitEntry> entries)
    {
        var pendingPadding = 0;
        TarEntryInfo? header = null;
        foreach (var entry in entries)
        {
            if (entry.Type == TarSplitEntry.FileType)
            {
                if (header is null)
                    throw new ChunkedBuildException(ErrorCodes.ValidationFailed, $"tar-split line {entry.Position}: a file line without a header segment before it");
                yield return (entry, header);
                header = null;
                continue;
            }
            var payload = entry.Payload ?? [];
            if (payload.Length < pendingPadding)
                throw new ChunkedBuildException(ErrorCodes.ValidationFailed,
                    $"tar-split line {entry.Position}: expected {pendingPadding} bytes of padding after the previous file, the segment has {payload.Length}");
            var parsed = ParseOne(payload.AsMemory(pendingPadding), entry.Position);
            pendingPadding = 0;
            if (parsed is null) continue;
            if (header is not null)
                throw new ChunkedBuildException(ErrorCodes.ValidationFailed, $"tar-split line {entry.Position}: two header segments without a file line between them");
            header = parsed.Info;
            var payloadLength = parsed.Info.IsHeaderOnlyType ? 0 : parsed.Info.Size;
            pendingPadding = (int)((512 - payloadLength % 512) % 512);
        }
    }

    private static RawTarEntry? ParseOne(ReadOnlyMemory<byte> segment, long position)
    {
        try
        {
            using var reader = new RawTarReader(new MemoryStream(segment.ToArray()));
            return reader.ReadNext();
        }
        catch (ChunkedBuildException e)
        {
            throw new ChunkedBuildException(ErrorCodes.ValidationFailed, $"tar-split line {position}: the segment is not one tar header: {e.Message}", innerException: e);
        }
    }
}
