using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// containers/storage's <c>ensureTOCMatchesTarSplit</c> (docs/formats.md §2.3): every tar header in the tar-split has a
/// non-chunk TOC entry with the identical name and equal metadata, and vice versa.
/// </summary>
internal static class ZstdChunkedTarSplitCheck
{
    /// <summary>Returns one failure line per mismatch.</summary>
    public static List<string> Compare(IReadOnlyList<ZstdChunkedTocEntry> toc, IEnumerable<TarEntryInfo> tarSplitHeaders)
    {
        var failures = new List<string>();
        var byName = new Dictionary<string, ZstdChunkedTocEntry>(StringComparer.Ordinal);
        foreach (var e in toc)
        {
            if (e.Type == TocEntryTypes.Chunk) continue;
            if (!byName.TryAdd(e.Name, e)) failures.Add($"TOC: duplicate entry name '{e.Name}'");
        }
        foreach (var header in tarSplitHeaders)
        {
            var type = TocEntryTypes.Of(header);
            if (type is null)
            {
                failures.Add($"tar-split: entry '{header.Name}' has unsupported typeflag {header.TypeFlag}");
                continue;
            }
            if (!byName.Remove(header.Name, out var entry))
            {
                failures.Add($"TOC ↔ tar-split: tar entry '{header.Name}' has no TOC entry with the identical name");
                continue;
            }
            foreach (var difference in Differences(entry, ZstdChunkedTocEntry.FromHeader(header)))
                failures.Add($"TOC ↔ tar-split: entry '{header.Name}': {difference}");
        }
        foreach (var name in byName.Keys) failures.Add($"TOC ↔ tar-split: TOC entry '{name}' has no tar header");
        return failures;
    }

    private static IEnumerable<string> Differences(ZstdChunkedTocEntry toc, ZstdChunkedTocEntry tar)
    {
        if (toc.Type != tar.Type) yield return $"type '{toc.Type}' vs tar '{tar.Type}'";
        if (toc.LinkName != tar.LinkName) yield return $"linkName '{toc.LinkName}' vs tar '{tar.LinkName}'";
        if (toc.Mode != tar.Mode) yield return $"mode {toc.Mode} vs tar {tar.Mode}";
        if (toc.Size != tar.Size) yield return $"size {toc.Size} vs tar {tar.Size}";
        if (toc.Uid != tar.Uid) yield return $"uid {toc.Uid} vs tar {tar.Uid}";
        if (toc.Gid != tar.Gid) yield return $"gid {toc.Gid} vs tar {tar.Gid}";
        if (toc.DevMajor != tar.DevMajor) yield return $"devMajor {toc.DevMajor} vs tar {tar.DevMajor}";
        if (toc.DevMinor != tar.DevMinor) yield return $"devMinor {toc.DevMinor} vs tar {tar.DevMinor}";
        if (!SameInstant(toc.ModTime, tar.ModTime)) yield return $"modtime {Show(toc.ModTime)} vs tar {Show(tar.ModTime)}";
        if (!SameInstant(toc.AccessTime, tar.AccessTime)) yield return $"accesstime {Show(toc.AccessTime)} vs tar {Show(tar.AccessTime)}";
        if (!SameInstant(toc.ChangeTime, tar.ChangeTime)) yield return $"changetime {Show(toc.ChangeTime)} vs tar {Show(tar.ChangeTime)}";
        if (toc.Xattrs.Count != tar.Xattrs.Count || toc.Xattrs.Any(x => !tar.Xattrs.TryGetValue(x.Key, out var v) || v != x.Value))
            yield return "xattrs differ";
    }

    /// <summary>nil, zero and the Unix epoch are the same "no time" to the reader.</summary>
    private static bool SameInstant(TarTime? a, TarTime? b) => (a ?? default) == (b ?? default);

    private static string Show(TarTime? t) => t?.ToRfc3339() ?? "(none)";
}
