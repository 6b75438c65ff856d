using System.Text;

namespace ChunkedBuild.Testing.Corpus;

/// <summary>
/// What one tar format can carry. Entries it cannot carry at all are omitted from that producer's tar (with a
/// reason); features it drops silently (xattrs, sub-second times) are recorded as notes.
/// </summary>
/// <param name="Name">Short name of the format (e.g. <c>ustar</c>).</param>
/// <param name="LongNames">Names that do not fit ustar's 100-byte name + 155-byte prefix split.</param>
/// <param name="LongLinkTargets">Link targets longer than 100 bytes.</param>
/// <param name="LargeIds">uid/gid above 2 097 151 (7 octal digits): base-256 or PAX records.</param>
/// <param name="Xattrs">PAX <c>SCHILY.xattr.*</c> records.</param>
/// <param name="SubsecondTimes">PAX fractional <c>mtime</c>.</param>
public sealed record TarDialect(string Name, bool LongNames, bool LongLinkTargets, bool LargeIds, bool Xattrs, bool SubsecondTimes)
{
    /// <summary>The largest id a 7-digit octal ustar field holds.</summary>
    public const int MaxOctalId = 0x1FFFFF; // 2 097 151 = 0o7777777

    /// <summary>POSIX ustar: 100-byte names (+155-byte prefix), 100-byte link targets, octal numbers, nothing else.</summary>
    public static TarDialect Ustar { get; } = new("ustar", false, false, false, false, false);

    /// <summary>GNU: <c>././@LongLink</c> names and targets, base-256 numbers; no xattrs, whole-second times.</summary>
    public static TarDialect Gnu { get; } = new("gnu", true, true, true, false, false);

    /// <summary>POSIX.1-2001 PAX: everything.</summary>
    public static TarDialect Pax { get; } = new("pax", true, true, true, true, true);

    /// <summary>Why <paramref name="archiveName"/>/<paramref name="entry"/> cannot be written in this format, or null.</summary>
    public string? WhyNotRepresentable(TarEntrySpec entry, string archiveName, string? archiveLinkTarget)
    {
        if (!LongNames && !FitsUstarName(archiveName))
            return $"{Name}: the name is {Encoding.UTF8.GetByteCount(archiveName)} bytes and cannot be split into a 155-byte prefix and a 100-byte name";
        if (!LongLinkTargets && archiveLinkTarget is not null && Encoding.UTF8.GetByteCount(archiveLinkTarget) > 100)
            return $"{Name}: the link target is {Encoding.UTF8.GetByteCount(archiveLinkTarget)} bytes (limit 100)";
        if (!LargeIds && (entry.Uid > MaxOctalId || entry.Gid > MaxOctalId))
            return $"{Name}: uid/gid {entry.Uid}/{entry.Gid} exceed 7 octal digits";
        return null;
    }

    /// <summary>True when a ustar header can hold the name (directly or split at a '/' into prefix and name).</summary>
    public static bool FitsUstarName(string archiveName)
    {
        var bytes = Encoding.UTF8.GetBytes(archiveName);
        if (bytes.Length <= 100) return true;
        for (var i = 0; i < bytes.Length && i <= 155; i++)
        {
            if (bytes[i] == (byte)'/' && bytes.Length - i - 1 is > 0 and <= 100) return true;
        }
        return false;
    }
}
