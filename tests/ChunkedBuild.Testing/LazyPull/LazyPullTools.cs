using System.Security.Cryptography;

namespace ChunkedBuild.Testing.LazyPull;

/// <summary>The programs of <c>tests/lazypull/build.sh</c>: the project's stargz snapshotter main and Debian's <c>ctr-remote</c>.</summary>
/// <param name="Folder">Where they are.</param>
public sealed record LazyPullPrograms(string Folder)
{
    /// <summary>The snapshotter (<c>tests/lazypull/snapshotter</c>).</summary>
    public string Snapshotter => Path.Combine(Folder, "chunkedbuild-stargz");

    /// <summary>Debian's <c>cmd/ctr-remote</c> as shipped (rpull, optimize).</summary>
    public string CtrRemote => Path.Combine(Folder, "ctr-remote");
}

/// <summary>
/// Whether this machine can pull lazily for real and where the Go programs are. The tier skips only where no FUSE filesystem can be
/// mounted the way the snapshotter mounts one (not Linux, no <c>/dev/fuse</c>, not root — an unprivileged sandbox — or a probe mount
/// that fails): <see cref="SkipReason"/>. Anything else missing (containerd, runc, Go, a failed build) is an error the tests fail
/// with (<see cref="Programs"/>), since <c>.ci/run</c> installs and builds all of it.
/// The programs are built once per source version by <c>tests/lazypull/build.sh</c> into <c>artifacts/ci/lazypull-&lt;hash&gt;</c>
/// (the hash of the script and the snapshotter's sources, as <c>.ci/run</c> computes it; <c>CHUNKEDBUILD_LAZYPULL_TOOLS</c> names another
/// folder): by <c>.ci/run</c>, else on first use here (about 3 minutes, one process at a time).
/// </summary>
public static class LazyPullTools
{
    private static readonly Lazy<(LazyPullPrograms? Programs, string? Skip, string? Error)> State = new(Prepare, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The Debian programs a lazy pull needs besides the built ones.</summary>
    public static IReadOnlyList<string> SystemPrograms { get; } = ["/usr/bin/containerd", "/usr/bin/ctr", "/usr/bin/containerd-shim-runc-v2", "/usr/sbin/runc"];

    /// <summary>Why this kernel or sandbox cannot mount FUSE the way the snapshotter does (the only reason the tier skips), or null.</summary>
    public static string? SkipReason => State.Value.Skip;

    /// <summary>
    /// The built programs. Throws <see cref="InvalidOperationException"/> with the reason when there are none: <see cref="SkipReason"/>, or
    /// the missing program or failed build (an error: <c>.ci/run</c> provides them all).
    /// </summary>
    public static LazyPullPrograms Programs =>
        State.Value.Programs ?? throw new InvalidOperationException(State.Value.Skip ?? State.Value.Error);

    /// <summary>The source hash <c>.ci/run</c> keys the build folder with: sha256 of build.sh then the snapshotter's *.go files (name order), 16 hex digits.</summary>
    public static string SourceHash()
    {
        var folder = Path.Combine(RepoPaths.Root, "tests", "lazypull");
        var files = new List<string> { Path.Combine(folder, "build.sh") };
        files.AddRange(Directory.GetFiles(Path.Combine(folder, "snapshotter"), "*.go").Order(StringComparer.Ordinal));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files) sha.AppendData(File.ReadAllBytes(file));
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    private static (LazyPullPrograms?, string?, string?) Prepare()
    {
        if (!OperatingSystem.IsLinux()) return (null, "no FUSE: lazy pulls need Linux (containerd, FUSE)", null);
        if (!File.Exists("/dev/fuse")) return (null, "no FUSE: /dev/fuse is missing in this kernel or sandbox", null);
        if (!IsRoot()) return (null, "no FUSE mounts: not root (the snapshotter mounts FUSE directly, which an unprivileged sandbox cannot)", null);
        if (SystemPrograms.FirstOrDefault(p => !File.Exists(p)) is { } missing)
            return (null, null, $"{missing} is missing (apt-get install containerd runc; .ci/run does)");
        LazyPullPrograms programs;
        try
        {
            programs = Locate();
        }
        catch (InvalidOperationException e)
        {
            return (null, null, e.Message);
        }
        var probe = Directory.CreateTempSubdirectory("chunkedbuild-fuse-probe-");
        try
        {
            var result = ProcessRunner.Run(programs.Snapshotter, ["-probe-fuse", probe.FullName], timeout: TimeSpan.FromMinutes(1));
            if (result.ExitCode != 0) return (null, $"no FUSE mounts: a probe mount fails here ({result.StdErr.Trim()})", null);
        }
        finally
        {
            try { probe.Delete(); } catch (IOException) { }
        }
        return (programs, null, null);
    }

    private static LazyPullPrograms Locate()
    {
        if (Environment.GetEnvironmentVariable("CHUNKEDBUILD_LAZYPULL_TOOLS") is { Length: > 0 } given)
        {
            var named = new LazyPullPrograms(given);
            return File.Exists(named.Snapshotter) && File.Exists(named.CtrRemote) ? named
                : throw new InvalidOperationException($"CHUNKEDBUILD_LAZYPULL_TOOLS={given} does not hold chunkedbuild-stargz and ctr-remote");
        }
        var ci = Path.Combine(RepoPaths.Root, "artifacts", "ci");
        var folder = Path.Combine(ci, "lazypull-" + SourceHash());
        var programs = new LazyPullPrograms(folder);
        if (File.Exists(programs.Snapshotter) && File.Exists(programs.CtrRemote)) return programs;
        if (!ProcessRunner.IsOnPath("go")) throw new InvalidOperationException("go is missing to build tests/lazypull (apt-get install golang-go; the CI script does)");
        Directory.CreateDirectory(ci);
        // One build at a time across processes (the bench and a test run may both want it).
        using var gate = Lock(Path.Combine(ci, "lazypull.lock"));
        if (File.Exists(programs.Snapshotter) && File.Exists(programs.CtrRemote)) return programs;
        var staging = folder + ".new";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        var build = ProcessRunner.Run("bash", [Path.Combine(RepoPaths.Root, "tests", "lazypull", "build.sh"), staging],
            environment: new Dictionary<string, string> { ["GOCACHE"] = Path.Combine(ci, "gocache-lazypull") }, timeout: TimeSpan.FromMinutes(15));
        if (build.ExitCode != 0) throw new InvalidOperationException($"tests/lazypull/build.sh failed ({build.ExitCode}): {build.StdErr.Trim()}");
        Directory.Move(staging, folder);
        return programs;
    }

    /// <summary>Waits (up to 20 minutes) for an exclusive lock on <paramref name="path"/> (FileShare.None is an flock on Linux).</summary>
    private static FileStream Lock(string path)
    {
        for (var waited = TimeSpan.Zero; ; waited += TimeSpan.FromSeconds(1))
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited < TimeSpan.FromMinutes(20))
            {
                Thread.Sleep(1000);
            }
        }
    }

    /// <summary>True when the effective user id is 0 (<c>/proc/self/status</c> "Uid:" line: real, effective, saved, fs).</summary>
    private static bool IsRoot()
    {
        var uid = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        var fields = uid?.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: >= 3 } && fields[2] == "0";
    }
}
