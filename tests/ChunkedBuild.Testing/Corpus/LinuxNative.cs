using System.Runtime.InteropServices;

namespace ChunkedBuild.Testing.Corpus;

/// <summary>The few libc calls needed to materialize tar entries exactly (owners, nanosecond times, nodes, xattrs).</summary>
internal static partial class LinuxNative
{
    /// <summary>S_IFCHR: character device node type bits (0o020000).</summary>
    public const uint CharDeviceType = 0x2000;
    /// <summary>S_IFBLK: block device node type bits (0o060000).</summary>
    public const uint BlockDeviceType = 0x6000;
    /// <summary>AT_FDCWD: resolve relative paths against the working directory.</summary>
    private const int AtFdCwd = -100;
    /// <summary>AT_SYMLINK_NOFOLLOW: act on a symlink itself.</summary>
    private const int AtSymlinkNoFollow = 0x100;

    /// <summary>struct timespec on 64-bit Linux: two 64-bit fields.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkNod(string path, uint mode, ulong dev);

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkFifo(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "symlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SymLink(string target, string linkPath);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LChown(string path, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChMod(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LSetXattr(string path, string name, byte[] value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UTimensAt(int dirFd, string path, Timespec[] times, int flags);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long LSeek(int fd, long offset, int whence);

    /// <summary>SEEK_DATA: the next offset at or after the given one that holds data.</summary>
    private const int SeekDataWhence = 3;

    /// <summary>glibc's makedev encoding of a device number.</summary>
    private static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xFFFFF000) << 32) | ((ulong)(major & 0xFFF) << 8) | ((ulong)(minor & 0xFFFFFF00) << 12) | (minor & 0xFF);

    /// <summary>0 on success, otherwise the errno (at least 1).</summary>
    private static int ErrnoOf(int rc) => rc == 0 ? 0 : Math.Max(1, Marshal.GetLastPInvokeError());

    /// <summary>Creates a device node; returns 0 or the errno.</summary>
    public static int MakeDevice(string path, bool block, int mode, int major, int minor) =>
        ErrnoOf(MkNod(path, (block ? BlockDeviceType : CharDeviceType) | (uint)mode, MakeDev((uint)major, (uint)minor)));

    /// <summary>Creates a named pipe; throws on failure.</summary>
    public static void MakeFifo(string path, int mode) => ThrowIfFailed(MkFifo(path, (uint)mode), "mkfifo", path);

    /// <summary>Creates a hard link; throws on failure.</summary>
    public static void MakeHardLink(string existing, string path) => ThrowIfFailed(Link(existing, path), "link", path);

    /// <summary>Creates a symlink pointing to <paramref name="target"/> verbatim; throws on failure.</summary>
    public static void MakeSymlink(string target, string path) => ThrowIfFailed(SymLink(target, path), "symlink", path);

    /// <summary>Sets the owner without following symlinks; returns 0 or the errno.</summary>
    public static int SetOwner(string path, int uid, int gid) => ErrnoOf(LChown(path, (uint)uid, (uint)gid));

    /// <summary>Sets permission bits; throws on failure.</summary>
    public static void SetMode(string path, int mode) => ThrowIfFailed(ChMod(path, (uint)mode), "chmod", path);

    /// <summary>Sets an extended attribute without following symlinks; returns 0 or the errno.</summary>
    public static int SetXattr(string path, string name, byte[] value) =>
        ErrnoOf(LSetXattr(path, name, value, (nuint)value.Length, 0));

    /// <summary>Sets atime and mtime to the nanosecond without following symlinks; throws on failure.</summary>
    public static void SetTimes(string path, long seconds, int nanoseconds)
    {
        var t = new Timespec { Seconds = seconds, Nanoseconds = nanoseconds };
        ThrowIfFailed(UTimensAt(AtFdCwd, path, [t, t], AtSymlinkNoFollow), "utimensat", path);
    }

    /// <summary>
    /// <c>lseek(fd, offset, SEEK_DATA)</c>: the first offset at or after <paramref name="offset"/> holding data, or -1 when only
    /// hole follows (ENXIO). A file system that does not track holes reports every offset as data.
    /// </summary>
    public static long SeekData(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset) =>
        LSeek((int)file.DangerousGetHandle(), offset, SeekDataWhence);

    private static void ThrowIfFailed(int rc, string what, string path)
    {
        if (rc != 0) throw new IOException($"{what} '{path}' failed with errno {Marshal.GetLastPInvokeError()}");
    }
}
