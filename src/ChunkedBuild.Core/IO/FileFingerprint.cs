using System.Globalization;
using System.Runtime.InteropServices;

namespace ChunkedBuild.Core.IO;

/// <summary>
/// What the file system says about a file without reading it, in a form no in-place edit can keep: inode number, size, modification time
/// and status-change time (ctime), with nanoseconds. Writing a file, truncating it, or putting its old mtime back (<c>touch -d</c>) all
/// move its ctime to the present, and no system call sets ctime to a chosen value; replacing the file changes the inode. (Only an edit
/// within the same tick of the kernel's clock as the write the fingerprint was taken after, a few milliseconds, could keep it.) Linux only
/// (<c>statx</c>); elsewhere there is no fingerprint and callers hash the content instead.
/// </summary>
public static class FileFingerprint
{
    // struct statx (linux/stat.h; the same layout on every architecture, native byte order, 256 bytes): stx_mask u32 @0, stx_ino u64 @32, stx_size u64 @40,
    // stx_ctime @96 and stx_mtime @112, each a statx_timestamp { s64 tv_sec; u32 tv_nsec; s32 reserved }.
    private const int StatxSize = 256;
    private const int InodeOffset = 32;
    private const int SizeOffset = 40;
    private const int CtimeOffset = 96;
    private const int MtimeOffset = 112;
    // AT_FDCWD, AT_SYMLINK_NOFOLLOW; STATX_INO | STATX_SIZE | STATX_MTIME | STATX_CTIME.
    private const int AtCurrentFolder = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint WantedFields = 0x100 | 0x200 | 0x40 | 0x80;

    /// <summary>The fingerprint of <paramref name="path"/> (<c>ino:size:mtime:ctime</c>), or null when the OS cannot give one.</summary>
    public static string? Of(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[StatxSize];
        try
        {
            if (statx(AtCurrentFolder, path, AtSymlinkNoFollow, WantedFields, buffer) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null; // a libc without statx (glibc < 2.28, older musl)
        }
        var mask = MemoryMarshal.Read<uint>(buffer);
        if ((mask & WantedFields) != WantedFields) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{MemoryMarshal.Read<ulong>(buffer.AsSpan(InodeOffset))}:{MemoryMarshal.Read<ulong>(buffer.AsSpan(SizeOffset))}:{Time(buffer, MtimeOffset)}:{Time(buffer, CtimeOffset)}");
    }

    private static string Time(byte[] buffer, int offset) => string.Create(CultureInfo.InvariantCulture,
        $"{MemoryMarshal.Read<long>(buffer.AsSpan(offset))}.{MemoryMarshal.Read<uint>(buffer.AsSpan(offset + 8)):D9}");

#pragma warning disable SYSLIB1054 // DllImport keeps the Core free of source-generated marshalling stubs; the buffer is a plain byte array.
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int statx(int dirfd, string pathname, int flags, uint mask, byte[] statxbuf);
#pragma warning restore SYSLIB1054
}
