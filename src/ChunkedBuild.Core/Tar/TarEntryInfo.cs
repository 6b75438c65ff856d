namespace ChunkedBuild.Core.Tar;

/// <summary>
/// The parsed metadata of one tar entry, after PAX and GNU long-name records are applied (PAX wins over ustar fields).
/// Numbers are the raw header values (mode without S_IFMT bits unless the header has them).
/// </summary>
public sealed class TarEntryInfo
{
    /// <summary>The entry name verbatim (<c>./</c> prefix and trailing <c>/</c> kept), decoded as UTF-8.</summary>
    public required string Name { get; init; }
    /// <summary>The raw name bytes (for tar-split's <c>name_raw</c> and for refusing non-UTF-8 names).</summary>
    public required byte[] NameBytes { get; init; }
    /// <summary>True when <see cref="NameBytes"/> is valid UTF-8.</summary>
    public required bool NameIsUtf8 { get; init; }
    /// <summary>The link target verbatim (symlink and hard link), empty otherwise.</summary>
    public string LinkName { get; init; } = "";
    /// <summary>True when the link name bytes are valid UTF-8.</summary>
    public bool LinkNameIsUtf8 { get; init; } = true;
    /// <summary>The typeflag byte (see <see cref="TarTypeFlag"/>).</summary>
    public required byte TypeFlag { get; init; }
    /// <summary>The raw numeric mode field.</summary>
    public long Mode { get; init; }
    /// <summary>User id (PAX <c>uid</c> overrides the ustar field).</summary>
    public long Uid { get; init; }
    /// <summary>Group id (PAX <c>gid</c> overrides the ustar field).</summary>
    public long Gid { get; init; }
    /// <summary>User name (PAX <c>uname</c> overrides).</summary>
    public string UserName { get; init; } = "";
    /// <summary>Group name (PAX <c>gname</c> overrides).</summary>
    public string GroupName { get; init; } = "";
    /// <summary>The logical size: the number of payload bytes that follow the header (PAX <c>size</c> overrides).</summary>
    public long Size { get; init; }
    /// <summary>Modification time (PAX <c>mtime</c> with nanoseconds overrides the ustar seconds).</summary>
    public TarTime ModTime { get; init; }
    /// <summary>Access time, only when the header carries one (PAX <c>atime</c> or GNU/old-GNU header field).</summary>
    public TarTime? AccessTime { get; init; }
    /// <summary>Change time, only when the header carries one (PAX <c>ctime</c> or GNU/old-GNU header field).</summary>
    public TarTime? ChangeTime { get; init; }
    /// <summary>Device major number as stored in the header (any type).</summary>
    public long DevMajor { get; init; }
    /// <summary>Device minor number as stored in the header (any type).</summary>
    public long DevMinor { get; init; }
    /// <summary>Extended attributes from <c>SCHILY.xattr.*</c> records, in record order.</summary>
    public IReadOnlyList<TarXattr> Xattrs { get; init; } = [];
    /// <summary>All PAX records of the entry's extended header, in order (name, raw value).</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> PaxRecords { get; init; } = [];
    /// <summary>True for GNU sparse entries ('S', old-GNU sparse maps) and PAX <c>GNU.sparse.*</c> records.</summary>
    public bool IsSparse { get; init; }

    /// <summary>True for '0' and legacy NUL regular files (not a legacy directory).</summary>
    public bool IsRegularFile => TypeFlag == TarTypeFlag.Regular || (TypeFlag == TarTypeFlag.RegularLegacy && !Name.EndsWith('/'));

    /// <summary>True for the types that never have payload bytes (links, devices, dirs, fifos).</summary>
    public bool IsHeaderOnlyType => TypeFlag is TarTypeFlag.HardLink or TarTypeFlag.Symlink or TarTypeFlag.CharDevice
        or TarTypeFlag.BlockDevice or TarTypeFlag.Directory or TarTypeFlag.Fifo
        || (TypeFlag == TarTypeFlag.RegularLegacy && Name.EndsWith('/'));
}
