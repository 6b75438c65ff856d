using System.Runtime.InteropServices;

namespace ChunkedBuild.Bench;

/// <summary>
/// The page cache of single files, through libc: <c>posix_fadvise(POSIX_FADV_DONTNEED)</c> drops a file's clean cached pages (no root
/// needed; pages another process has mapped stay), <c>mmap</c> + <c>mincore</c> counts the resident ones.
/// </summary>
internal static partial class PageCache
{
    private const string Libc = "libc.so.6";
    private const int PosixFadvDontNeed = 4; // <fcntl.h>, Linux
    private const int ProtRead = 1;           // <sys/mman.h>
    private const int MapShared = 1;
    private static readonly nint MapFailed = -1;

    /// <summary>Asks the kernel to drop the file's cached pages (dirty pages must be synced first); false when it cannot be opened.</summary>
    public static bool Evict(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            return posix_fadvise((int)handle.DangerousGetHandle(), 0, 0, PosixFadvDontNeed) == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The file's resident bytes (whole pages, the last one capped at the file size); 0 when empty or unreadable.</summary>
    public static unsafe long ResidentBytes(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            var length = RandomAccess.GetLength(handle);
            if (length == 0) return 0;
            var address = mmap(0, (nuint)length, ProtRead, MapShared, (int)handle.DangerousGetHandle(), 0);
            if (address == MapFailed) return 0;
            try
            {
                var page = Environment.SystemPageSize;
                var pages = (int)((length + page - 1) / page);
                var vector = new byte[pages];
                fixed (byte* v = vector)
                {
                    if (mincore(address, (nuint)length, v) != 0) return 0;
                }
                long resident = 0;
                for (var i = 0; i < pages; i++)
                {
                    if ((vector[i] & 1) != 0) resident += Math.Min(page, length - (long)i * page);
                }
                return resident;
            }
            finally
            {
                _ = munmap(address, (nuint)length);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Drops the whole page cache (<c>sync</c>, then 3 into <c>/proc/sys/vm/drop_caches</c>: page cache, dentries, inodes); needs root.</summary>
    public static void DropAll()
    {
        sync();
        File.WriteAllText("/proc/sys/vm/drop_caches", "3\n");
    }

    [LibraryImport(Libc)]
    private static partial void sync();

    [LibraryImport(Libc)]
    private static partial int posix_fadvise(int fd, long offset, long length, int advice);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Libc, SetLastError = true)]
    private static unsafe partial int mincore(nint address, nuint length, byte* vector);

    [LibraryImport(Libc)]
    private static partial int munmap(nint address, nuint length);
}
