using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.Registry;

namespace ChunkedBuild.Bench;

/// <summary>
/// The registry-cache figure (<c>--registry-cache</c>): <c>samples/app</c> (published by the SDK in the run) on the aspnet:10.0-like base of
/// <c>--startup</c> (this machine's Debian packages and .NET), pushed to Debian's docker-registry on 127.0.0.1 by the conversion step of a
/// release pipeline. A first release is converted into two repositories (one recording the registry cache, one not); then each round's next
/// release (the app layer changed) is converted on a fresh runner — an empty local cache, a new process of the published tool as users install
/// it (<see cref="PublishedTool"/>) — into each repository: without the
/// registry cache every layer is converted, with it the base layers come from the cache (downloaded, verified against the source) and only
/// the app layer is converted. Printed: both conversion steps' wall times (process start to exit, the push included) and their ratio
/// (target: with ≤ 25% of without), the cache's hits and misses, the load average.
/// </summary>
internal static class RegistryCacheBench
{
    private const double Target = 0.25;

    public static async Task<int> RunAsync(string work, string tool, int runs, string resultPath)
    {
        if (!LocalRegistry.IsAvailable)
        {
            Console.Error.WriteLine("registry-cache mode needs docker-registry (apt-get install docker-registry)");
            return 2;
        }
        Console.WriteLine("building the aspnet:10.0-like base from this machine (dpkg database, installed .NET) and publishing samples/app…");
        var (layers, version) = BaseLayers();
        var sample = StartupApps.SampleApp(work);
        var releases = Enumerable.Range(0, runs + 1).Select(r => WriteRelease(work, r, layers, sample, version)).ToList();
        var imageBytes = layers.Sum(l => (long)l.Gzip.Length) + AppLayer(sample.Folder, 0).Gzip.Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"image: {layers.Count + 1} gzip layers, {imageBytes / 1e6:F1} MB (os, runtime-deps, runtime, aspnetcore, app); {Environment.ProcessorCount} cores"));

        using var registry = LocalRegistry.Start();
        var with = $"docker://{registry.Host}/bench/with";
        var without = $"docker://{registry.Host}/bench/without";
        Console.WriteLine("release 0 into both repositories (the earlier pipeline run)…");
        await ChildAsync(tool, work, releases[0], with + ":0", registryCache: true);
        var (_, cold) = await ChildAsync(tool, work, releases[0], without + ":0", registryCache: false);
        SizeBench.PrintSizes("first pull vs the gzip original (default levels)", cold);

        var load = LoadAverage();
        var rounds = new List<(double Without, double With, JsonElement Cache)>();
        for (var round = 1; round <= runs; round++)
        {
            // Alternate which one goes first, so neither always meets a warmer page cache.
            double withoutSeconds, withSeconds;
            JsonElement cache;
            if (round % 2 == 1)
            {
                (withoutSeconds, _) = await ChildAsync(tool, work, releases[round], $"{without}:{round}", registryCache: false);
                (withSeconds, cache) = await ChildAsync(tool, work, releases[round], $"{with}:{round}", registryCache: true);
            }
            else
            {
                (withSeconds, cache) = await ChildAsync(tool, work, releases[round], $"{with}:{round}", registryCache: true);
                (withoutSeconds, _) = await ChildAsync(tool, work, releases[round], $"{without}:{round}", registryCache: false);
            }
            rounds.Add((withoutSeconds, withSeconds, cache));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  release {round}: without the registry cache {withoutSeconds:F2} s, with it {withSeconds:F2} s = {100 * withSeconds / withoutSeconds:F0}% " +
                $"({cache.GetProperty("hits").GetInt32()} hits, {cache.GetProperty("misses").GetInt32()} misses, {cache.GetProperty("rejected").GetInt32()} rejected, " +
                $"{cache.GetProperty("bytesSaved").GetInt64() / 1e6:F1} MB of converted layers reused)"));
        }
        var loadAfter = LoadAverage();
        var best = rounds.MinBy(r => r.With / r.Without);
        var ratio = rounds.Min(r => r.With) / rounds.Min(r => r.Without);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"conversion step on a fresh runner, with the registry cache vs without: {rounds.Min(r => r.With):F2} s vs {rounds.Min(r => r.Without):F2} s = {100 * ratio:F0}% " +
            $"(target ≤ {100 * Target:F0}%) {(ratio <= Target ? "met" : "NOT met")}; load average before/after {load ?? "n/a"} / {loadAfter ?? "n/a"}"));
        Report.Save(resultPath, new
        {
            mode = "registry-cache",
            imageBytes,
            cores = Environment.ProcessorCount,
            runs,
            withoutSeconds = rounds.Select(r => r.Without),
            withSeconds = rounds.Select(r => r.With),
            ratio,
            target = Target,
            met = ratio <= Target,
            cache = best.Cache,
            sizes = cold.GetProperty("sizes"),
            loadAverageBefore = load,
            loadAverageAfter = loadAfter,
        });
        return 0;
    }

    /// <summary>
    /// Runs one conversion step as a release pipeline runs it on a fresh runner: the published tool (<see cref="PublishedTool"/>, what the
    /// RID-specific package installs) in a new process, <c>convert … --json</c> with an empty converted-layer cache of its own; its wall time
    /// (process start to exit, the push included) and, from the tool's JSON, the registry cache's counts and each variant's layer bytes.
    /// </summary>
    internal static async Task<(double Seconds, JsonElement Cache)> ChildAsync(string tool, string work, string layout, string destination, bool registryCache, params string[] levels)
    {
        var cacheDir = Path.Combine(work, "runner-" + Guid.NewGuid().ToString("N"));
        var (program, leading) = PublishedTool.Command(tool);
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] levelArgs = levels.Length == 2 ? ["--zstd-level", levels[0], "--gzip-level", levels[1]] : [];
        foreach (var a in (string[])[.. leading, "convert", "oci:" + layout + ":bench", destination, "--cache-dir", cacheDir,
                     .. registryCache ? Array.Empty<string>() : ["--no-registry-cache"], .. levelArgs, "--json", "--quiet"])
            psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        if (Directory.Exists(cacheDir)) Directory.Delete(cacheDir, recursive: true);
        if (p.ExitCode != 0) throw new InvalidOperationException($"conversion into {destination} failed ({p.ExitCode}): {await stderr}{await stdout}");
        return (seconds, Summarize(JsonDocument.Parse(await stdout).RootElement));
    }

    /// <summary>The figures the bench prints, from the tool's <c>convert --json</c> object: the registry cache's counts and each variant's bytes.</summary>
    private static JsonElement Summarize(JsonElement result)
    {
        var cache = result.GetProperty("registryCache");
        long Count(string name) => cache.ValueKind == JsonValueKind.Object ? cache.GetProperty(name).GetInt64() : 0;
        var variants = result.GetProperty("variants").EnumerateArray().ToList();
        return JsonSerializer.SerializeToElement(new
        {
            hits = Count("hits"), misses = Count("misses"), rejected = Count("rejected"), bytesSaved = Count("bytesSaved"),
            converted = variants.Sum(v => v.GetProperty("converted").GetInt32()), shared = variants.Sum(v => v.GetProperty("shared").GetInt32()),
            sizes = variants.ToDictionary(v => v.GetProperty("variant").GetString()!, v => new
            {
                layerBytes = v.GetProperty("layerBytes").GetInt64(), originalLayerBytes = v.GetProperty("originalLayerBytes").GetInt64(),
            }),
        });
    }

    /// <summary>The aspnet:10.0-like base layers of <c>--startup</c>'s image B, and the .NET version.</summary>
    internal static (List<TestLayer> Layers, string Version) BaseLayers()
    {
        var debian = DebianBaseLayers.Build(CompressionLevel.Optimal, out var reason) ?? throw new InvalidOperationException(reason);
        var runtime = DotnetRuntimeLayer.Build(new DotnetRuntimeLayerOptions { AllFrameworkFiles = true, Decoys = false, Level = CompressionLevel.Optimal }, out reason)
            ?? throw new InvalidOperationException(reason);
        var aspnet = SharedFrameworkLayer.Build(runtime.Runtime, SharedFrameworkLayer.AspNetCore, CompressionLevel.Optimal, out reason)
            ?? throw new InvalidOperationException(reason);
        return ([debian.Os.Layer, debian.RuntimeDeps.Layer, runtime.Layer, aspnet.Layer], runtime.Runtime.Version);
    }

    /// <summary>Release <paramref name="release"/> of the app: the published files plus a <c>release.txt</c> naming it (the changed app layer).</summary>
    internal static TestLayer AppLayer(string published, int release)
    {
        var folder = published + "-release-" + release.ToString(CultureInfo.InvariantCulture);
        if (!Directory.Exists(folder))
        {
            foreach (var file in Directory.GetFiles(published, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(folder, Path.GetRelativePath(published, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            File.WriteAllText(Path.Combine(folder, "release.txt"), $"release {release}\n");
        }
        return PublishedAppLayer.Build(folder);
    }

    internal static string WriteRelease(string work, int release, List<TestLayer> layers, StartupApp sample, string version)
    {
        var folder = Path.Combine(work, "release-" + release.ToString(CultureInfo.InvariantCulture));
        DotnetBaseImage.Write(folder, "bench", [.. layers, AppLayer(sample.Folder, release)], version, entrypoint: ["dotnet", "/app/" + sample.Dll], workingDir: "/app",
            env: ["APP_UID=1654", "ASPNETCORE_HTTP_PORTS=8080", "DOTNET_RUNNING_IN_CONTAINER=true"]);
        return folder;
    }

    internal static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
}
