namespace ChunkedBuild.Testing.Corpus;

/// <summary>
/// A declarative tar: entries in archive order (a directory always before its children, a hard link after its target).
/// Build one with <see cref="Of"/> and the factories below, e.g.
/// <c>TarSpec.Of(Dir("d/"), File("d/a.txt", "hi"), Symlink("d/l", "a.txt"), HardLink("d/h", "d/a.txt"))</c>.
/// </summary>
public sealed class TarSpec
{
    /// <summary>Mode 0o755 (directories, executables).</summary>
    public const int Mode755 = 0x1ED;
    /// <summary>Mode 0o644 (ordinary files).</summary>
    public const int Mode644 = 0x1A4;
    /// <summary>Mode 0o777 (symlinks on Linux).</summary>
    public const int Mode777 = 0x1FF;
    /// <summary>Mode 0o600 (private files; device nodes).</summary>
    public const int Mode600 = 0x180;

    private TarSpec(IReadOnlyList<TarEntrySpec> entries) => Entries = entries;

    /// <summary>The entries in archive order.</summary>
    public IReadOnlyList<TarEntrySpec> Entries { get; }

    /// <summary>
    /// Makes a spec; checks that names are unique, every parent directory listed comes first, and hard-link targets
    /// are earlier regular files.
    /// </summary>
    public static TarSpec Of(params IEnumerable<TarEntrySpec> entries)
    {
        var list = entries.ToList();
        var seen = new Dictionary<string, TarEntrySpec>(StringComparer.Ordinal);
        var allDirs = list.Where(e => e.Kind == TarEntryKind.Directory).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var e in list)
        {
            if ((e.Kind == TarEntryKind.Directory) != e.Name.EndsWith('/'))
                throw new ArgumentException($"'{e.Name}': directory names, and only they, end with '/'");
            if (e.Name.StartsWith('/') || e.Name.StartsWith("./", StringComparison.Ordinal))
                throw new ArgumentException($"'{e.Name}': spec names carry no prefix; the case adds it");
            if (!seen.TryAdd(e.PathWithoutSlash, e)) throw new ArgumentException($"'{e.Name}' appears twice");
            if (e.ParentName is { } parent && allDirs.Contains(parent) && !seen.ContainsKey(parent.TrimEnd('/')))
                throw new ArgumentException($"'{e.Name}' comes before its parent directory '{parent}'");
            if (e.Kind == TarEntryKind.HardLink &&
                (e.LinkTarget is null || !seen.TryGetValue(e.LinkTarget, out var target) || target.Kind != TarEntryKind.File))
                throw new ArgumentException($"hard link '{e.Name}' must point to an earlier regular file");
            if (e.Kind is TarEntryKind.Symlink && string.IsNullOrEmpty(e.LinkTarget))
                throw new ArgumentException($"symlink '{e.Name}' needs a target");
        }
        return new TarSpec(list);
    }

    /// <summary>A regular file with <paramref name="content"/> (mode 0o644).</summary>
    public static TarEntrySpec File(string name, TarContent content) =>
        new() { Kind = TarEntryKind.File, Name = name, Content = content, Mode = Mode644 };

    /// <summary>A regular file holding <paramref name="bytes"/>.</summary>
    public static TarEntrySpec File(string name, byte[] bytes) => File(name, TarContent.Bytes(bytes));

    /// <summary>A regular file holding UTF-8 <paramref name="text"/>.</summary>
    public static TarEntrySpec File(string name, string text) => File(name, TarContent.Text(text));

    /// <summary>An empty regular file.</summary>
    public static TarEntrySpec EmptyFile(string name) => File(name, TarContent.Empty);

    /// <summary>A directory (mode 0o755); <paramref name="name"/> ends with <c>/</c>.</summary>
    public static TarEntrySpec Dir(string name) => new() { Kind = TarEntryKind.Directory, Name = name, Mode = Mode755 };

    /// <summary>A symbolic link to <paramref name="target"/> (verbatim).</summary>
    public static TarEntrySpec Symlink(string name, string target) =>
        new() { Kind = TarEntryKind.Symlink, Name = name, LinkTarget = target, Mode = Mode777 };

    /// <summary>
    /// A hard link to the earlier regular file <paramref name="target"/>. File-system producers store the inode's
    /// metadata, so give it the target's mode, owner and time (<see cref="HardLinkTo"/> does).
    /// </summary>
    public static TarEntrySpec HardLink(string name, string target) =>
        new() { Kind = TarEntryKind.HardLink, Name = name, LinkTarget = target, Mode = Mode644 };

    /// <summary>A hard link to <paramref name="target"/> with the target's mode, owner, time and xattrs.</summary>
    public static TarEntrySpec HardLinkTo(string name, TarEntrySpec target) =>
        new()
        {
            Kind = TarEntryKind.HardLink, Name = name, LinkTarget = target.Name, Mode = target.Mode, Uid = target.Uid,
            Gid = target.Gid, ModTime = target.ModTime, Xattrs = target.Xattrs,
        };

    /// <summary>A named pipe (mode 0o644).</summary>
    public static TarEntrySpec Fifo(string name) => new() { Kind = TarEntryKind.Fifo, Name = name, Mode = Mode644 };

    /// <summary>A character device (mode 0o600).</summary>
    public static TarEntrySpec CharDevice(string name, int major, int minor) =>
        new() { Kind = TarEntryKind.CharDevice, Name = name, Mode = Mode600, DevMajor = major, DevMinor = minor };

    /// <summary>A block device (mode 0o600).</summary>
    public static TarEntrySpec BlockDevice(string name, int major, int minor) =>
        new() { Kind = TarEntryKind.BlockDevice, Name = name, Mode = Mode600, DevMajor = major, DevMinor = minor };
}
