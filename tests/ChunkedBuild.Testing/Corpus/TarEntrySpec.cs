using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Testing.Corpus;

/// <summary>
/// One entry of a declarative tar: what a producer must put into the archive. Names carry no producer prefix
/// (<c>./</c> or <c>/</c> is added per case); directory names end with <c>/</c>. Immutable: tweak with <c>with</c>.
/// </summary>
public sealed record TarEntrySpec
{
    /// <summary>The default mtime of corpus entries: 2023-11-14T22:13:20Z.</summary>
    public static readonly TarTime DefaultModTime = new(1_700_000_000, 0);

    /// <summary>What kind of entry this is.</summary>
    public required TarEntryKind Kind { get; init; }

    /// <summary>The entry name without prefix (directories end with <c>/</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Payload of a regular file (<see cref="TarContent.Empty"/> for the other kinds).</summary>
    public TarContent Content { get; init; } = TarContent.Empty;

    /// <summary>Symlink target (verbatim) or hard-link target (an earlier entry's name, without prefix).</summary>
    public string? LinkTarget { get; init; }

    /// <summary>Permission bits (e.g. 0x1A4 = 0o644).</summary>
    public int Mode { get; init; }

    /// <summary>Owner id.</summary>
    public int Uid { get; init; }

    /// <summary>Group id.</summary>
    public int Gid { get; init; }

    /// <summary>Modification time, to the nanosecond.</summary>
    public TarTime ModTime { get; init; } = DefaultModTime;

    /// <summary>Extended attributes (full names such as <c>user.foo</c>) with their raw values.</summary>
    public IReadOnlyDictionary<string, byte[]> Xattrs { get; init; } = new Dictionary<string, byte[]>();

    /// <summary>Device major number (char and block devices).</summary>
    public int DevMajor { get; init; }

    /// <summary>Device minor number (char and block devices).</summary>
    public int DevMinor { get; init; }

    /// <summary>The name without the trailing <c>/</c> of directories.</summary>
    public string PathWithoutSlash => Name.TrimEnd('/');

    /// <summary>The name of the parent directory entry (with trailing <c>/</c>), or null at the root.</summary>
    public string? ParentName
    {
        get
        {
            var slash = PathWithoutSlash.LastIndexOf('/');
            return slash <= 0 ? null : PathWithoutSlash[..(slash + 1)];
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Name}" + (LinkTarget is null ? "" : $" -> {LinkTarget}");
}
