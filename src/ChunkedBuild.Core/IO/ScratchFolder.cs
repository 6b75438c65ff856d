namespace ChunkedBuild.Core.IO;

/// <summary>
/// A run's own folder for temporary files in one parent folder: <c>&lt;parent&gt;/.chunkedbuild-run-&lt;id&gt;/</c>, holding every temporary
/// file and folder the run creates there (staging layouts, partial cache blobs, spools, listings) and a <c>lock</c> file the run holds with an
/// exclusive OS lock (<see cref="RunLock"/>) for as long as the folder exists. Disposing removes the folder. A run that died (<c>kill -9</c>,
/// power loss) leaves its folder behind with a lock nobody holds: the next run that creates a scratch folder in the same parent removes it
/// (<see cref="RemoveStale"/>). Folders whose lock is held (a live run, in any process, container or pid namespace sharing the file system)
/// are never touched.
/// </summary>
/// <remarks>
/// The folder is created as <c>.chunkedbuild-run-&lt;id&gt;.new</c>, its lock taken, and only then renamed to its final name, so a folder with
/// the final name always has a held lock while its run lives. A <c>.new</c> folder is only left by a run that died in those few
/// microseconds; it is removed once its lock is free and it is older than <see cref="PendingGrace"/>.
/// </remarks>
public sealed class ScratchFolder : IDisposable
{
    /// <summary>The name prefix of every scratch folder.</summary>
    public const string Prefix = ".chunkedbuild-run-";

    private const string PendingSuffix = ".new";
    private const string LockFileName = "lock";

    /// <summary>How old an unfinished (<c>.new</c>) scratch folder must be before it counts as abandoned.</summary>
    private static readonly TimeSpan PendingGrace = TimeSpan.FromMinutes(10);

    private readonly RunLock _lock;
    private int _counter;
    private bool _disposed;

    private ScratchFolder(string path, RunLock runLock)
    {
        Path = path;
        _lock = runLock;
    }

    /// <summary>The folder (absolute).</summary>
    public string Path { get; }

    /// <summary>
    /// Removes the stale scratch folders of dead runs in <paramref name="parent"/> (created if missing), then creates a new scratch folder
    /// there.
    /// </summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9002 when the folder cannot be created.</exception>
    public static ScratchFolder Create(string parent)
    {
        var fullParent = System.IO.Path.GetFullPath(parent);
        try
        {
            Directory.CreateDirectory(fullParent);
            RemoveStale(fullParent);
            var final = System.IO.Path.Combine(fullParent, Prefix + Guid.NewGuid().ToString("N"));
            var pending = final + PendingSuffix;
            Directory.CreateDirectory(pending);
            RunLock? runLock = null;
            try
            {
                runLock = RunLock.Create(System.IO.Path.Combine(pending, LockFileName));
                Directory.Move(pending, final);
                return new ScratchFolder(final, runLock);
            }
            catch
            {
                runLock?.Dispose();
                TryDelete(pending);
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Errors.ChunkedBuildException(Errors.ErrorCodes.IoError, $"cannot create a temporary folder in '{fullParent}': {e.Message}", innerException: e);
        }
    }

    /// <summary>
    /// Removes every scratch folder in <paramref name="parent"/> whose run has ended (its lock is free); returns how many were removed. Folders
    /// of live runs and folders whose lock cannot be probed stay.
    /// </summary>
    public static int RemoveStale(string parent)
    {
        var removed = 0;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(parent, Prefix + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (var folder in candidates)
        {
            if (System.IO.Path.GetFileName(folder).EndsWith(PendingSuffix, StringComparison.Ordinal) && !IsOlderThanGrace(folder)) continue;
            if (RunLock.Probe(System.IO.Path.Combine(folder, LockFileName)) != RunLockState.Free) continue;
            if (TryDelete(folder)) removed++;
        }
        return removed;
    }

    /// <summary>A fresh path inside the folder (nothing is created): <c>&lt;name&gt;-&lt;n&gt;&lt;extension&gt;</c>.</summary>
    public string NewPath(string name, string extension = "") =>
        System.IO.Path.Combine(Path, $"{name}-{Interlocked.Increment(ref _counter)}{extension}");

    /// <summary>Removes the folder and everything in it, then releases the lock.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // Windows cannot delete the open lock file: release first there. On Unix the folder goes while the lock still marks it live.
        if (OperatingSystem.IsWindows()) _lock.Dispose();
        TryDelete(Path);
        _lock.Dispose();
    }

    private static bool IsOlderThanGrace(string folder)
    {
        try
        {
            return DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) > PendingGrace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // best effort: the next run tries again
        }
    }
}
