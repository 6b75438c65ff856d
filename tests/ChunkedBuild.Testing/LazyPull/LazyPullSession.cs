using System.Diagnostics;
using System.Globalization;

namespace ChunkedBuild.Testing.LazyPull;

/// <summary>How a <see cref="LazyPullSession"/>'s snapshotter behaves (stargz-snapshotter's <c>fs/config</c> keys).</summary>
public sealed record LazyPullOptions
{
    /// <summary><c>noprefetch</c>: do not prefetch the prioritized files before the container starts.</summary>
    public bool NoPrefetch { get; init; }

    /// <summary><c>no_background_fetch</c>: do not fetch the rest of each layer after the mount (the default fetches it once the start is quiet for 5 s).</summary>
    public bool NoBackgroundFetch { get; init; }

    /// <summary>
    /// More of the snapshotter's settings as TOML, in the keys of the upstream daemon's <c>config.toml</c> (<c>fs/config.Config</c>:
    /// <c>prefetch_timeout_sec</c>, <c>max_concurrency</c>, <c>[fuse] attr_timeout</c>, <c>[blob] prefetch_chunk_size</c>, …; <c>debug = true</c>
    /// logs every FUSE request), or null for the library's defaults. The two switches above apply on top.
    /// </summary>
    public string? SnapshotterConfig { get; init; }

    /// <summary>containerd logs at debug level (task events such as <c>/tasks/start</c>, with their times).</summary>
    public bool ContainerdDebug { get; init; }
}

/// <summary>
/// A containerd of its own (own root, state and socket under a temp folder, the CRI plugin off, its own namespace) with the project's
/// stargz snapshotter as the proxy snapshotter <c>stargz</c>: lazy pulls with Debian's <c>ctr-remote image rpull</c>, full pulls with
/// <c>ctr image pull</c> (overlayfs, unpacked), containers with <c>ctr run --rm</c>. Registries are reached over plain HTTP (loopback).
/// Dispose stops both daemons, unmounts whatever they left mounted under the folder (FUSE layers, overlays) and deletes it.
/// </summary>
public sealed class LazyPullSession : IDisposable
{
    private readonly DaemonProcess _snapshotter;
    private readonly DaemonProcess _containerd;
    private readonly Func<TimeSpan> _clock;
    private readonly LazyPullPrograms _programs;

    private LazyPullSession(string folder, LazyPullPrograms programs, DaemonProcess snapshotter, DaemonProcess containerd, Func<TimeSpan> clock)
    {
        Folder = folder;
        _programs = programs;
        _snapshotter = snapshotter;
        _containerd = containerd;
        _clock = clock;
    }

    /// <summary>The session's folder (containerd root and state, snapshotter root, sockets).</summary>
    public string Folder { get; }

    /// <summary>containerd's socket.</summary>
    public string Socket => Path.Combine(Folder, "containerd.sock");

    /// <summary>The containerd namespace the session's images and containers live in.</summary>
    public string Namespace { get; } = "chunkedbuild-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The snapshotter's log so far.</summary>
    public SnapshotterLog SnapshotterLog => new(_snapshotter.Lines);

    /// <summary>containerd's log so far (for failure messages).</summary>
    public string ContainerdLog => string.Join('\n', _containerd.Lines);

    /// <summary>The snapshotter's lines so far, each with the time it arrived (the session's clock).</summary>
    public IReadOnlyList<OutputLine> SnapshotterLines => _snapshotter.TimedLines;

    /// <summary>containerd's lines so far, each with the time it arrived (the session's clock).</summary>
    public IReadOnlyList<OutputLine> ContainerdLines => _containerd.TimedLines;

    /// <summary>
    /// Starts the snapshotter and containerd (about a second); throws when the tier is unavailable (<see cref="LazyPullTools.Programs"/>).
    /// <paramref name="clock"/> times container output and the daemons' lines (default: a stopwatch started here); pass a
    /// <see cref="ShapedLink.Now"/> to share the link's.
    /// </summary>
    public static LazyPullSession Start(LazyPullOptions? options = null, Func<TimeSpan>? clock = null)
    {
        options ??= new LazyPullOptions();
        var programs = LazyPullTools.Programs;
        var folder = Directory.CreateTempSubdirectory("chunkedbuild-lazy-").FullName;
        var snapshotterSocket = Path.Combine(folder, "stargz.sock");
        List<string> arguments = ["-address", snapshotterSocket, "-root", Path.Combine(folder, "stargz")];
        if (options.NoPrefetch) arguments.Add("-no-prefetch");
        if (options.NoBackgroundFetch) arguments.Add("-no-background-fetch");
        if (options.SnapshotterConfig is { } toml)
        {
            var file = Path.Combine(folder, "stargz.toml");
            File.WriteAllText(file, toml);
            arguments.AddRange(["-config", file]);
        }
        var stopwatch = Stopwatch.StartNew();
        clock ??= () => stopwatch.Elapsed;
        DaemonProcess? snapshotter = null;
        try
        {
            snapshotter = DaemonProcess.Start("chunkedbuild-stargz", programs.Snapshotter, arguments, snapshotterSocket, clock);
            var config = Path.Combine(folder, "containerd.toml");
            File.WriteAllText(config, $"""
                version = 2
                root = "{Path.Combine(folder, "root")}"
                state = "{Path.Combine(folder, "state")}"
                disabled_plugins = ["io.containerd.grpc.v1.cri"]
                [grpc]
                  address = "{Path.Combine(folder, "containerd.sock")}"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "{Path.Combine(folder, "opt")}"
                [proxy_plugins.stargz]
                  type = "snapshot"
                  address = "{snapshotterSocket}"
                {(options.ContainerdDebug ? "[debug]\n  level = \"debug\"" : "")}
                """);
            var containerd = DaemonProcess.Start("containerd", "/usr/bin/containerd", ["--config", config], Path.Combine(folder, "containerd.sock"), clock);
            return new LazyPullSession(folder, programs, snapshotter, containerd, clock);
        }
        catch
        {
            snapshotter?.Dispose();
            MountedFolder.Delete(folder);
            throw;
        }
    }

    /// <summary><c>ctr-remote image rpull --plain-http</c>: the layers become FUSE mounts of the snapshotter (a lazy pull).</summary>
    public ProcessResult RemotePull(string reference) => Run(_programs.CtrRemote, ["image", "rpull", "--plain-http", reference]);

    /// <summary><c>ctr image pull --plain-http</c>: every layer fetched whole and unpacked into overlayfs (a full pull).</summary>
    public ProcessResult Pull(string reference) => Run("/usr/bin/ctr", ["image", "pull", "--plain-http", reference]);

    /// <summary>
    /// <c>ctr-remote image optimize --oci --period N --record-out FILE SOURCE TARGET</c>: runs <paramref name="source"/> (pulled first) as
    /// root under fanotify for <paramref name="period"/> and records the files it reads (ctr-remote's JSON lines) — the peer's own
    /// prioritization; the optimized image it writes stays in this containerd.
    /// </summary>
    public ProcessResult Optimize(string source, string target, string recordOut, TimeSpan period, IReadOnlyList<string>? env = null)
    {
        List<string> arguments = ["image", "optimize", "--oci", "--period", ((int)period.TotalSeconds).ToString(CultureInfo.InvariantCulture), "--record-out", recordOut];
        foreach (var e in env ?? []) arguments.AddRange(["--env", e]);
        arguments.AddRange([source, target]);
        return Run(_programs.CtrRemote, arguments);
    }

    /// <summary>
    /// Starts <c>ctr run --rm</c> of <paramref name="reference"/> (on the stargz snapshotter when <paramref name="lazy"/>, else overlayfs)
    /// with <paramref name="env"/> and <paramref name="args"/> (none: the image's entrypoint and command); <paramref name="onLine"/> hears each
    /// stdout line as it arrives (e.g. to read a byte counter at the first one).
    /// </summary>
    public ContainerRun RunContainer(string reference, bool lazy, IReadOnlyList<string>? args = null, IReadOnlyList<string>? env = null, Action<OutputLine>? onLine = null)
    {
        var id = "cb-" + Guid.NewGuid().ToString("N")[..12];
        var psi = new ProcessStartInfo("/usr/bin/ctr") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in (string[])["--address", Socket, "--namespace", Namespace, "run", "--rm"]) psi.ArgumentList.Add(a);
        if (lazy) foreach (var a in (string[])["--snapshotter", "stargz"]) psi.ArgumentList.Add(a);
        foreach (var e in env ?? []) foreach (var a in (string[])["--env", e]) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(reference);
        psi.ArgumentList.Add(id);
        foreach (var a in args ?? []) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start ctr run");
        process.StandardInput.Close();
        return new ContainerRun(process, id, _clock, container => Ctr("task", "kill", "--signal", "SIGKILL", container), onLine);
    }

    /// <summary>Runs <c>ctr</c> against this containerd and namespace.</summary>
    public ProcessResult Ctr(params string[] arguments) => Run("/usr/bin/ctr", arguments);

    private ProcessResult Run(string program, IEnumerable<string> arguments) =>
        ProcessRunner.Run(program, ["--address", Socket, "--namespace", Namespace, .. arguments], timeout: TimeSpan.FromMinutes(10));

    /// <summary>Stops containerd and the snapshotter, unmounts what they left under <see cref="Folder"/> and deletes it.</summary>
    public void Dispose()
    {
        _containerd.Dispose();
        _snapshotter.Dispose();
        MountedFolder.Delete(Folder);
    }
}
