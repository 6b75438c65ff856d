namespace ChunkedBuild.Core.Tar;

/// <summary>Tar typeflag bytes (POSIX ustar, PAX and GNU extensions).</summary>
public static class TarTypeFlag
{
    /// <summary>'0': regular file.</summary>
    public const byte Regular = (byte)'0';
    /// <summary>NUL: regular file in old V7 archives (a trailing '/' in the name makes it a directory).</summary>
    public const byte RegularLegacy = 0;
    /// <summary>'1': hard link.</summary>
    public const byte HardLink = (byte)'1';
    /// <summary>'2': symbolic link.</summary>
    public const byte Symlink = (byte)'2';
    /// <summary>'3': character device.</summary>
    public const byte CharDevice = (byte)'3';
    /// <summary>'4': block device.</summary>
    public const byte BlockDevice = (byte)'4';
    /// <summary>'5': directory.</summary>
    public const byte Directory = (byte)'5';
    /// <summary>'6': FIFO.</summary>
    public const byte Fifo = (byte)'6';
    /// <summary>'7': contiguous file (unsupported by the readers).</summary>
    public const byte Contiguous = (byte)'7';
    /// <summary>'x': PAX extended header for the next entry.</summary>
    public const byte PaxExtended = (byte)'x';
    /// <summary>'g': PAX global header (refused).</summary>
    public const byte PaxGlobal = (byte)'g';
    /// <summary>'L': GNU long name for the next entry.</summary>
    public const byte GnuLongName = (byte)'L';
    /// <summary>'K': GNU long link name for the next entry.</summary>
    public const byte GnuLongLink = (byte)'K';
    /// <summary>'S': GNU sparse file (refused).</summary>
    public const byte GnuSparse = (byte)'S';
}
