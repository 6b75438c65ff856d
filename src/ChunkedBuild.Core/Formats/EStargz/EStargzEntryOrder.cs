using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// The entry order of stargz-snapshotter's <c>Build</c> with prioritized files (docs/formats.md §3.5): each prioritized path,
/// in the order given, preceded by its not-yet-emitted parent directories (from the root down) and, for a hard link,
/// by its target (recursively); then — after the landmark — every other entry in tar order. Paths are compared after
/// cleaning (<c>/app/x</c>, <c>app/x</c>, <c>./app/x</c> and <c>../app/x</c> are one path).
/// Unlike the reference, a parent directory missing from the tar is not an error (readers synthesize it).
/// </summary>
/// <param name="Prioritized">Indexes of the entries placed before the landmark, in emission order.</param>
/// <param name="Rest">Indexes of the remaining entries, in tar order.</param>
/// <param name="Missing">Prioritized paths that are not in the layer, as given.</param>
internal sealed record EStargzEntryOrder(IReadOnlyList<int> Prioritized, IReadOnlyList<int> Rest, IReadOnlyList<string> Missing)
{
    /// <summary>Arranges <paramref name="entries"/> (tar order) for <paramref name="prioritizedPaths"/>.</summary>
    public static EStargzEntryOrder Arrange(IReadOnlyList<TarEntryInfo> entries, IReadOnlyList<string> prioritizedPaths)
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++) byName[EStargzTocEntry.CleanEntryName(entries[i].Name)] = i; // last one wins, as in the reference
        var picked = new HashSet<int>();
        var prioritized = new List<int>();
        var missing = new List<string>();
        var visiting = new HashSet<int>();

        bool Move(string name)
        {
            if (name.Length == 0)
            {
                // the root directory ("./" or "/") is moved when the tar has it
                if (byName.TryGetValue(name, out var root) && picked.Add(root)) prioritized.Add(root);
                return true;
            }
            if (!byName.TryGetValue(name, out var index)) return false;
            if (picked.Contains(index) || !visiting.Add(index)) return true; // done, or a link/parent cycle
            var slash = name.LastIndexOf('/');
            Move(slash < 0 ? "" : name[..slash]);
            var info = entries[index];
            if (info.TypeFlag == TarTypeFlag.HardLink) Move(EStargzTocEntry.CleanEntryName(info.LinkName));
            if (picked.Add(index)) prioritized.Add(index);
            return true;
        }

        foreach (var path in prioritizedPaths)
        {
            if (!Move(EStargzTocEntry.CleanEntryName(path))) missing.Add(path);
        }
        var rest = new List<int>(entries.Count - prioritized.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (!picked.Contains(i)) rest.Add(i);
        }
        return new EStargzEntryOrder(prioritized, rest, missing);
    }
}
