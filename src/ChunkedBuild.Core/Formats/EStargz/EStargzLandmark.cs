namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// Recognizes the files an eStargz writer makes itself (docs/formats.md §3.5): the landmarks (<see cref="EStargzSpec.PrefetchLandmark"/>,
/// <see cref="EStargzSpec.NoPrefetchLandmark"/>) and the TOC (<see cref="EStargzSpec.TocName"/>), whatever spelling of the path a tar uses.
/// Such input entries are dropped: the writer writes its own.
/// </summary>
internal static class EStargzLandmark
{
    /// <summary>True when a tar name resolves to a landmark.</summary>
    public static bool IsLandmark(string name) => EStargzTocEntry.CleanEntryName(name) is EStargzSpec.PrefetchLandmark or EStargzSpec.NoPrefetchLandmark;

    /// <summary>True when a tar name resolves to <c>stargz.index.json</c> (an old TOC in the input).</summary>
    public static bool IsToc(string name) => EStargzTocEntry.CleanEntryName(name) == EStargzSpec.TocName;
}
