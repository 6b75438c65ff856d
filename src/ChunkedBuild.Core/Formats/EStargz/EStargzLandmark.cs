namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// The landmark files of docs/formats.md §3.5: a 1-byte regular file (content 0x0F) at the layer root. With prioritized files
/// <c>.prefetch.landmark</c> follows them and lazy pullers prefetch everything before its payload; without,
/// <c>.no.prefetch.landmark</c> comes first and nothing is prefetched. The payload starts its own gzip member.
/// </summary>
public static class EStargzLandmark
{
    /// <summary>Marks the end of the prioritized files.</summary>
    public const string Prefetch = ".prefetch.landmark";
    /// <summary>Says there are no prioritized files.</summary>
    public const string NoPrefetch = ".no.prefetch.landmark";
    /// <summary>The landmark's only byte.</summary>
    public const byte Content = 0x0F;
    /// <summary>The name of the TOC file (last file of the stream).</summary>
    public const string TocName = "stargz.index.json";

    /// <summary>True when a tar name resolves to a landmark (such input entries are dropped).</summary>
    public static bool IsLandmark(string name) => EStargzTocEntry.CleanEntryName(name) is Prefetch or NoPrefetch;

    /// <summary>True when a tar name resolves to <c>stargz.index.json</c> (an old TOC in the input is dropped).</summary>
    public static bool IsToc(string name) => EStargzTocEntry.CleanEntryName(name) == TocName;
}
