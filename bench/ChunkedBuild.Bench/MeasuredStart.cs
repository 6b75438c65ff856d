using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChunkedBuild.Testing.Images;

namespace ChunkedBuild.Bench;

/// <summary>What a real start of an app read (<see cref="MeasuredStart.Run"/>).</summary>
/// <param name="ImagePaths">The image paths (absolute, sorted) of the files the start read that the image holds.</param>
/// <param name="OutsideImage">Host files the start read that no layer holds (e.g. <c>/etc/nsswitch.conf</c> of a host-only package).</param>
/// <param name="Uncertain">Candidate files (image paths) still cached after eviction (mapped or read by other processes) that the loader did not
/// report: not counted.</param>
/// <param name="Milliseconds">From process start to exit (console) or to "Application started" (server).</param>
/// <param name="ResidentBytes">Resident bytes of the read files after the start (whole-file in practice: readahead).</param>
/// <param name="FileBytes">Sizes of the read files.</param>
/// <param name="Mapped">For a server: the pages of its file mappings in its own page tables after the start (<c>/proc/PID/smaps</c> Rss,
/// fault-around included) against those files' sizes — what a page-granular lazy fetch could at best save; null for a console app (it has exited).</param>
internal sealed record MeasuredStartResult(IReadOnlyList<string> ImagePaths, IReadOnlyList<string> OutsideImage, IReadOnlyList<string> Uncertain, long Milliseconds,
    long ResidentBytes, long FileBytes, MappedPages? Mapped);

/// <summary>Pages a process has mapped from files: <paramref name="RssBytes"/> of the <paramref name="FileBytes"/> the <paramref name="Files"/> mapped files hold.</summary>
internal sealed record MappedPages(int Files, long RssBytes, long FileBytes);

/// <summary>
/// Starts an app for real on this machine and records which files it read: the installed runtime (muxer, hostfxr, the shared frameworks)
/// and the app are copied to a temp folder and synced; their page cache, and that of every host file of the image's OS layers, is dropped
/// (<see cref="PageCache.Evict"/>); <c>&lt;copy&gt;/dotnet &lt;app&gt;.dll</c> runs (a server until it logs "Application started", on a free
/// 127.0.0.1 port) with <c>LD_DEBUG=files</c>; the files read are those cached afterwards that were not before, plus every shared object
/// the loader reports (<c>calling init</c>) or the server maps (<c>/proc/PID/maps</c>) — libc and friends stay cached while other processes
/// map them, so residency alone cannot see them. Host paths map to image paths: the copy's root → <c>/usr/share/dotnet</c>, the app →
/// <c>/app</c>, OS files → their path in the OS layers (merged-usr resolved).
/// </summary>
internal static class MeasuredStart
{
    /// <summary>Runs <paramref name="app"/> on <paramref name="runtime"/> + <paramref name="frameworks"/> (framework name, version) and measures.</summary>
    /// <param name="osFiles">Image path → host path of every regular file of the OS layers.</param>
    public static MeasuredStartResult Run(string work, StartupApp app, InstalledDotnetRuntime runtime, IReadOnlyList<(string Name, string Version)> frameworks,
        IReadOnlyDictionary<string, string> osFiles)
    {
        var root = Path.Combine(work, "dotnet");
        var appCopy = Path.Combine(work, "app");
        var copies = new Dictionary<string, string>(StringComparer.Ordinal); // host path → image path
        Copy(runtime.Muxer, Path.Combine(root, "dotnet"), "/usr/share/dotnet/dotnet", copies);
        Copy(runtime.HostFxr, Path.Combine(root, "host", "fxr", runtime.FxrVersion, "libhostfxr.so"), $"/usr/share/dotnet/host/fxr/{runtime.FxrVersion}/libhostfxr.so", copies);
        foreach (var (name, version) in frameworks)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(runtime.Root, "shared", name, version)))
                Copy(file, Path.Combine(root, "shared", name, version, Path.GetFileName(file)), $"/usr/share/dotnet/shared/{name}/{version}/{Path.GetFileName(file)}", copies);
        }
        foreach (var file in Directory.GetFiles(app.Folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(app.Folder, file).Replace('\\', '/');
            Copy(file, Path.Combine(appCopy, relative), "/app/" + relative, copies);
        }
        var candidates = new Dictionary<string, string>(copies, StringComparer.Ordinal);
        foreach (var (image, host) in osFiles) candidates.TryAdd(host, image);

        foreach (var host in candidates.Keys) PageCache.Evict(host);
        var cachedBefore = candidates.Keys.Where(h => PageCache.ResidentBytes(h) > 0).ToHashSet(StringComparer.Ordinal);

        var (loaded, milliseconds, mapped) = Start(root, appCopy, app);

        var read = new SortedSet<string>(StringComparer.Ordinal);
        var outside = new SortedSet<string>(StringComparer.Ordinal);
        long resident = 0, size = 0;
        foreach (var (host, image) in candidates)
        {
            var bytes = PageCache.ResidentBytes(host);
            if (bytes > 0 && !cachedBefore.Contains(host))
            {
                read.Add(image);
                resident += bytes;
                size += new FileInfo(host).Length;
            }
        }
        foreach (var path in loaded)
        {
            var real = RealPath(path);
            if (candidates.TryGetValue(real, out var image))
            {
                if (read.Add(image))
                {
                    resident += PageCache.ResidentBytes(real);
                    size += new FileInfo(real).Length;
                }
            }
            else if (!real.StartsWith(root + "/", StringComparison.Ordinal) && !real.StartsWith(appCopy + "/", StringComparison.Ordinal)) outside.Add(real);
        }
        var uncertain = cachedBefore.Select(h => candidates[h]).Where(i => !read.Contains(i)).Order(StringComparer.Ordinal).ToList();
        return new MeasuredStartResult(read.ToList(), outside.ToList(), uncertain, milliseconds, resident, size, mapped);
    }

    /// <summary>
    /// Runs the app; returns the shared objects the loader initialized (and, for a server, those it maps), the time to start and, for a
    /// server, its mapped pages.
    /// </summary>
    private static (IReadOnlyList<string> Loaded, long Milliseconds, MappedPages? Mapped) Start(string root, string appFolder, StartupApp app)
    {
        var psi = new ProcessStartInfo(Path.Combine(root, "dotnet"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = appFolder,
        };
        psi.ArgumentList.Add(Path.Combine(appFolder, app.Dll));
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) || k.StartsWith("COMPlus_", StringComparison.Ordinal)
                     || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                     // The official images set no locale: with LANG=C.UTF-8 glibc would map /usr/lib/locale/C.utf8/* besides.
                     || k is "LANG" or "LANGUAGE" || k.StartsWith("LC_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(name);
        psi.Environment["DOTNET_ROOT"] = root;
        psi.Environment["DOTNET_RUNNING_IN_CONTAINER"] = "true";
        psi.Environment["LD_DEBUG"] = "files";
        if (app.IsServer) psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}";

        var loaded = new List<string>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + psi.FileName);
        var stderr = Task.Run(() =>
        {
            var lines = new List<string>();
            while (process.StandardError.ReadLine() is { } line) lines.Add(line);
            return lines;
        });
        var stdout = Task.Run(() =>
        {
            var text = new System.Text.StringBuilder();
            while (process.StandardOutput.ReadLine() is { } line)
            {
                text.AppendLine(line);
                if (line.Contains("Application started", StringComparison.Ordinal)) started.TrySetResult();
            }
            return text.ToString();
        });
        long milliseconds;
        MappedPages? mapped = null;
        if (app.IsServer)
        {
            if (!started.Task.Wait(TimeSpan.FromMinutes(1)))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{app.Name} did not log 'Application started' within a minute:\n{stdout.Result}");
            }
            milliseconds = clock.ElapsedMilliseconds;
            loaded.AddRange(MappedFiles(process.Id));
            mapped = MappedRss(process.Id);
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        else
        {
            if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{app.Name} did not exit within a minute");
            }
            milliseconds = clock.ElapsedMilliseconds;
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{app.Name} exited {process.ExitCode}:\n{stdout.Result}");
        }
        const string marker = "calling init: ";
        loaded.AddRange(stderr.Result.Select(l => l.IndexOf(marker, StringComparison.Ordinal) is var i and >= 0 ? l[(i + marker.Length)..].Trim() : null)
            .OfType<string>());
        return (loaded.Distinct(StringComparer.Ordinal).ToList(), milliseconds, mapped);
    }

    /// <summary>Sums the <c>Rss:</c> lines of <c>/proc/PID/smaps</c> over the mappings of regular files (each file's size counted once).</summary>
    private static MappedPages MappedRss(int pid)
    {
        var rss = new Dictionary<string, long>(StringComparer.Ordinal);
        string? current = null;
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0].Contains('-') && !fields[0].EndsWith(':'))
                current = fields.Length >= 6 && fields[5].StartsWith('/') && File.Exists(fields[5]) ? fields[5] : null; // address perms offset dev inode path
            else if (current is not null && fields is ["Rss:", var kilobytes, "kB"])
                rss[current] = rss.GetValueOrDefault(current) + long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        return new MappedPages(rss.Count, rss.Values.Sum(), rss.Keys.Sum(f => new FileInfo(f).Length));
    }

    /// <summary>The files a process maps (<c>/proc/PID/maps</c> path column).</summary>
    private static IEnumerable<string> MappedFiles(int pid) =>
        File.ReadAllLines($"/proc/{pid}/maps").Select(l => l.IndexOf('/') is var i and >= 0 ? l[i..].Trim() : null)
            .OfType<string>().Where(p => !p.EndsWith("(deleted)", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal);

    /// <summary>The path with every symlink on the way resolved (as realpath(3)): <c>/lib/x86_64-linux-gnu/libc.so.6</c> → <c>/usr/lib/…</c>.</summary>
    private static string RealPath(string path, int depth = 0)
    {
        var current = "/";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = part == ".." ? Path.GetDirectoryName(current) ?? "/" : Path.Combine(current, part);
            if (depth < 40 && new FileInfo(next).LinkTarget is { } target) next = RealPath(Path.GetFullPath(target, current), depth + 1);
            current = next;
        }
        return current;
    }

    /// <summary>Copies a file (mode kept), syncs it to disk so its pages are clean and can be dropped, and records its image path.</summary>
    private static void Copy(string source, string destination, string imagePath, Dictionary<string, string> copies)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        using (var input = File.OpenRead(source))
        using (var output = new FileStream(destination, FileMode.Create, FileAccess.Write))
        {
            input.CopyTo(output);
            output.Flush(flushToDisk: true);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(destination, File.GetUnixFileMode(source));
        copies[destination] = imagePath;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
