namespace ChunkedBuild.Core.Tar;

/// <summary>
/// tar-split's <c>asm.IterateHeaders</c>: re-parses each entry's header from the segment before its file line (after
/// stripping the previous file's expected padding) and pairs it with the file line. Any other grouping fails, as it
/// does in containers/storage.
/// </summary>
public static class TarSplitHeaders
{
    /// <summary>Yields (file line, parsed header) for every file line; throws CHB1301 when a segment is not exactly one header.</summary>
    public static IEnumerable<(TarSplitEntry File, TarEntryInfo Header)> Iterate(IEnumerable<TarSplitEntry> entries) =>
        throw new NotImplementedException();
}
