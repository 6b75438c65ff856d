namespace ChunkedBuild.Testing.Corpus;

/// <summary>The seven kinds of tar entry the lazy-pull readers support (docs/formats.md §1.5).</summary>
public enum TarEntryKind
{
    /// <summary>A regular file (typeflag <c>0</c>), possibly empty.</summary>
    File,
    /// <summary>A directory (typeflag <c>5</c>).</summary>
    Directory,
    /// <summary>A symbolic link (typeflag <c>2</c>).</summary>
    Symlink,
    /// <summary>A hard link to an earlier entry (typeflag <c>1</c>).</summary>
    HardLink,
    /// <summary>A named pipe (typeflag <c>6</c>).</summary>
    Fifo,
    /// <summary>A character device (typeflag <c>3</c>).</summary>
    CharDevice,
    /// <summary>A block device (typeflag <c>4</c>).</summary>
    BlockDevice,
}
