using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// The <c>type</c> values of TOC entries, which both formats took from CRFS (docs/formats.md §1.5, §3.3), and how tar typeflags map to them.
/// </summary>
public static class TocEntryTypes
{
    /// <summary>Regular file.</summary>
    public const string Regular = "reg";
    /// <summary>Further piece of a regular file cut into chunks.</summary>
    public const string Chunk = "chunk";
    /// <summary>Directory.</summary>
    public const string Directory = "dir";
    /// <summary>Symbolic link.</summary>
    public const string Symlink = "symlink";
    /// <summary>Hard link.</summary>
    public const string HardLink = "hardlink";
    /// <summary>Character device.</summary>
    public const string CharDevice = "char";
    /// <summary>Block device.</summary>
    public const string BlockDevice = "block";
    /// <summary>FIFO.</summary>
    public const string Fifo = "fifo";

    /// <summary>
    /// The TOC type of a tar entry as Go's <c>archive/tar</c> reports it (a legacy NUL typeflag is a directory when the
    /// name ends in <c>/</c>, else a file), or null for typeflags the readers cannot carry.
    /// </summary>
    public static string? Of(TarEntryInfo info)
    {
        if (info.IsRegularFile) return Regular;
        return info.TypeFlag switch
        {
            TarTypeFlag.HardLink => HardLink,
            TarTypeFlag.Symlink => Symlink,
            TarTypeFlag.CharDevice => CharDevice,
            TarTypeFlag.BlockDevice => BlockDevice,
            TarTypeFlag.Directory => Directory,
            TarTypeFlag.RegularLegacy => Directory, // legacy NUL + trailing '/'
            TarTypeFlag.Fifo => Fifo,
            _ => null,
        };
    }
}
