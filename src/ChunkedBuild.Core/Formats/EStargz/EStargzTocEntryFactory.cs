using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// Makes TOC entries from tar headers the way stargz-snapshotter's writer does (docs/formats.md §3.3): Go's modtime rounding,
/// link names only on links, device numbers only on devices, and user/group names only when they change for an id.
/// One instance per layer, fed in stream order.
/// </summary>
internal sealed class EStargzTocEntryFactory
{
    private readonly Dictionary<long, string> _lastUserName = [];
    private readonly Dictionary<long, string> _lastGroupName = [];

    /// <summary>Creates the entry for <paramref name="info"/>; content fields are filled later by the writer.</summary>
    public EStargzTocEntry Create(TarEntryInfo info)
    {
        var type = TocEntryTypes.Of(info)
                   ?? throw new InvalidOperationException($"typeflag {info.TypeFlag} of '{info.Name}' passed the entry rules");
        var isLink = type is TocEntryTypes.Symlink or TocEntryTypes.HardLink;
        var isDevice = type is TocEntryTypes.CharDevice or TocEntryTypes.BlockDevice;
        return new EStargzTocEntry
        {
            Name = info.Name,
            Type = type,
            Size = type == TocEntryTypes.Regular ? info.Size : 0,
            ModTime = FormatModTime(info.ModTime),
            LinkName = isLink ? info.LinkName : "",
            Mode = info.Mode,
            Uid = info.Uid,
            Gid = info.Gid,
            UserName = NameIfChanged(_lastUserName, info.Uid, info.UserName),
            GroupName = NameIfChanged(_lastGroupName, info.Gid, info.GroupName),
            DevMajor = isDevice ? info.DevMajor : 0,
            DevMinor = isDevice ? info.DevMinor : 0,
            Xattrs = Xattrs(info.Xattrs),
        };
    }

    /// <summary>
    /// Go's <c>formatModtime</c>: empty when the Unix seconds are 0, else UTC rounded to the nearest second (halfway
    /// rounds up) in RFC 3339 without fraction.
    /// </summary>
    public static string FormatModTime(TarTime time)
    {
        if (time.Seconds == 0) return "";
        var rounded = time.Seconds + (time.Nanoseconds >= 500_000_000 ? 1 : 0);
        return new TarTime(rounded, 0).ToRfc3339Seconds();
    }

    private static string NameIfChanged(Dictionary<long, string> last, long id, string name)
    {
        if (name.Length == 0) return "";
        if (last.TryGetValue(id, out var previous) && previous == name) return "";
        last[id] = name;
        return name;
    }

    /// <summary>PAX records later in the header win, as in Go's PAX map.</summary>
    private static IReadOnlyDictionary<string, byte[]> Xattrs(IReadOnlyList<TarXattr> xattrs)
    {
        if (xattrs.Count == 0) return new Dictionary<string, byte[]>();
        var map = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var x in xattrs) map[x.Key] = x.Value;
        return map;
    }
}
