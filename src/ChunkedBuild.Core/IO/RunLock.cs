using System.Runtime.InteropServices;

namespace ChunkedBuild.Core.IO;

/// <summary>What a probe of a <see cref="RunLock"/> file found.</summary>
public enum RunLockState
{
    /// <summary>A live process holds the lock: its files must not be touched.</summary>
    Held,

    /// <summary>Nobody holds it: the process that took it has ended (the OS released its lock), so its files are leftovers.</summary>
    Free,

    /// <summary>The lock cannot be probed here (a file system without locks, another user's file): treated like <see cref="Held"/>.</summary>
    Unknown,
}

/// <summary>
/// An exclusive OS lock on a file, held for as long as a run lives: <c>flock(LOCK_EX)</c> on Unix (released by the kernel when the process
/// ends, however it ends, <c>kill -9</c> included), an exclusive share mode on Windows. Another process can tell a live run from a dead one
/// by probing the file (<see cref="Probe"/>); nothing is inferred from process ids, which other pid namespaces and hosts reuse.
/// </summary>
public sealed class RunLock : IDisposable
{
    // <sys/file.h>: LOCK_EX 2, LOCK_NB 4. EWOULDBLOCK: 11 on Linux, 35 on macOS and the BSDs.
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    private readonly FileStream _file;

    private RunLock(FileStream file) => _file = file;

    /// <summary>
    /// Creates <paramref name="path"/> (it must not exist) and locks it. On a file system that refuses locks the file is created unlocked, and
    /// probes then say <see cref="RunLockState.Unknown"/>: nothing is ever removed there.
    /// </summary>
    public static RunLock Create(string path)
    {
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        // .NET already took the flock with FileShare.None unless its file locking is switched off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING): take it here too.
        if (!OperatingSystem.IsWindows()) TryLock(file);
        return new RunLock(file);
    }

    /// <summary>
    /// Probes the lock file at <paramref name="path"/>: <see cref="RunLockState.Free"/> only when this process could take the lock itself (it
    /// is released again before returning).
    /// </summary>
    public static RunLockState Probe(string path)
    {
        FileStream file;
        try
        {
            // .NET takes the same flock (Unix) or exclusive share (Windows) when opening with FileShare.None: a held lock fails here.
            file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (FileNotFoundException)
        {
            return RunLockState.Free;
        }
        catch (IOException e) when (IsLockedError(e))
        {
            return RunLockState.Held;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return RunLockState.Unknown;
        }
        using (file)
            return OperatingSystem.IsWindows() ? RunLockState.Free : TryLock(file);
    }

    /// <summary>The lock state as flock itself reports it, independent of .NET's own locking (which it skips on some file systems).</summary>
    private static RunLockState TryLock(FileStream file)
    {
        try
        {
            if (flock((int)file.SafeFileHandle.DangerousGetHandle(), LockExclusive | LockNonBlocking) == 0) return RunLockState.Free;
            var errno = Marshal.GetLastPInvokeError();
            return errno == WouldBlock ? RunLockState.Held : RunLockState.Unknown;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return RunLockState.Unknown;
        }
    }

    /// <summary>
    /// The open failed because the file is locked: on Unix .NET's flock failed with EWOULDBLOCK (the HResult is the errno), on Windows
    /// ERROR_SHARING_VIOLATION (0x20) or ERROR_LOCK_VIOLATION (0x21).
    /// </summary>
    internal static bool IsLockedError(IOException e) =>
        OperatingSystem.IsWindows() ? (e.HResult & 0xFFFF) is 0x20 or 0x21 : e.HResult == WouldBlock;

    private static int WouldBlock => OperatingSystem.IsLinux() ? 11 : 35;

    /// <summary>Releases the lock (the file stays; its owner deletes it).</summary>
    public void Dispose() => _file.Dispose();

#pragma warning disable SYSLIB1054 // DllImport keeps the Core free of source-generated marshalling stubs; flock takes plain integers.
    [DllImport("libc", SetLastError = true)]
    private static extern int flock(int fd, int operation);
#pragma warning restore SYSLIB1054
}
