using System.Globalization;
using System.Net;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Prioritization.FileView;
using ChunkedBuild.Core.Prioritization.Manifests;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.LazyPull;
using ChunkedBuild.Testing.Registry;

namespace ChunkedBuild.Bench;

/// <summary>
/// The real lazy-pull figures (<c>--lazy</c>): the two <see cref="StartupImages"/> pulled by containerd through a shaped link
/// (<see cref="ShapedLink"/>: rate and one-way delay per direction, bytes counted on delivery) from Debian's docker-registry on 127.0.0.1,
/// cold each run (page cache dropped, a fresh containerd and snapshotter: <see cref="LazyPullSession"/>), <c>--runs</c> rounds with the
/// variants interleaved. Per image and variant: the time from the pull's start to the app's first output line, and the bytes the link moved
/// before it —
/// <list type="bullet">
/// <item><c>full</c>: the gzip original, <c>ctr image pull</c> (every layer fetched and unpacked into overlayfs) then <c>ctr run</c>;</item>
/// <item><c>auto</c>, <c>none</c>: eStargz converted with <c>auto</c> prioritization and with none, <c>ctr-remote image rpull</c> then
/// <c>ctr run --snapshotter stargz</c>;</item>
/// <item><c>optimize</c>: eStargz converted with the list <c>ctr-remote image optimize</c> recorded running the gzip image as root (the peer's
/// best: the files the start really read, in the order it read them).</item>
/// </list>
/// The snapshotter runs with stargz-snapshotter's defaults but no background fetch (it would start only after 5 s without mounts or
/// prefetches, and off it every byte counted is one the start asked for). Next to each figure the bench prints the network-time estimate of
/// <see cref="StartupTimeModel"/> at the same link (what <c>inspect --startup auto --link</c> prints), so the model's error is visible;
/// then the zstd:chunked partial pulls (<see cref="PartialPullBench"/>).
/// </summary>
internal static class LazyBench
{
    /// <summary>How long the optimizer watches each app (the server never exits; the console app exits at once).</summary>
    private static readonly TimeSpan OptimizePeriod = TimeSpan.FromSeconds(15);

    private sealed record Variant(string Key, string Title, string Repository, bool Lazy);

    private sealed record Prepared(StartupImage Image, IReadOnlyList<Variant> Variants, IReadOnlyDictionary<string, double> Estimates,
        IReadOnlyDictionary<string, long> EstimatedBytes, ListComparison AutoVsRecord);

    /// <summary>The auto list against the files ctr-remote optimize recorded (regular files the image holds).</summary>
    private sealed record ListComparison(IReadOnlyList<string> Recorded, IReadOnlyList<string> Auto, IReadOnlyList<string> AutoNotRead, IReadOnlyList<string> ReadNotInAuto);

    public static async Task<int> RunAsync(string work, BenchOptions options)
    {
        try
        {
            _ = LazyPullTools.Programs;
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"error: --lazy cannot run here: {e.Message}");
            return 2;
        }
        var link = options.Link ?? LinkProfile.Default;
        var settings = options.LazyRuns ?? new LazyRunSettings();
        LinkProfile? shape = settings.Unshaped ? null : link;
        var loadBefore = BenchProgram.LoadAverage();
        Console.WriteLine("building the base layers from this machine (dpkg database, installed .NET) and publishing samples/app…");
        var set = StartupImages.Build(work);
        Console.WriteLine(set.Describe());
        using var registry = LocalRegistry.Start();
        var transports = new ImageTransports(new RegistryImageTransport(new RegistryClientOptions()), null);

        var prepared = new List<Prepared>();
        foreach (var image in set.Images.Where(i => options.LazyImages is null || options.LazyImages.Contains(i.Id)))
            prepared.Add(await PrepareAsync(work, image, set, registry, transports, link, settings));

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"link: {(shape is null ? "none (the proxy only records; estimates at " + link + ")" : link)} (proxy on 127.0.0.1); {options.Runs} rounds, variants interleaved, page cache dropped and fresh containerd + snapshotter before each run"));
        if (settings.SnapshotterConfig is { } toml)
            Console.WriteLine($"NOT the default configuration: the snapshotter runs with these settings: {toml.ReplaceLineEndings("; ").Trim(' ', ';')}");
        if (settings.Trace is { } traceFolder) Console.WriteLine($"tracing into {traceFolder}: the snapshotter logs every FUSE request and containerd logs at debug level (this slows the start)");
        var measurements = new List<LazyMeasurement>();
        for (var round = 1; round <= options.Runs; round++)
        {
            foreach (var p in prepared)
            {
                foreach (var variant in p.Variants.Where(v => settings.Variants is null || settings.Variants.Contains(v.Key)))
                {
                    var m = await LazyMeasurement.RunAsync(registry, shape, p.Image, variant.Key, variant.Repository, variant.Lazy, round, settings);
                    measurements.Add(m);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  round {round} {p.Image.Id} {variant.Key,-9} first output after {m.Seconds,6:F2} s, {m.BytesBefore / 1e6,7:F2} MB moved before it{(m.CheckFailures.Count > 0 ? "; not a clean lazy start: " + m.CheckFailures[0] : "")}"));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"      {m.Timeline.Describe()}; started again on the same pull: {m.SecondStartSeconds:F2} s from ctr run"));
                }
            }
        }
        var loadAfter = BenchProgram.LoadAverage();

        var summaries = new List<object>();
        foreach (var p in prepared) summaries.Add(Summarize(p, measurements.Where(m => m.Image == p.Image.Id).ToList(), link));

        var partial = await PartialPullBench.RunAsync(work, set, registry, options.Skopeo);
        Console.WriteLine($"load average before/after: {loadBefore ?? "n/a"} / {loadAfter ?? "n/a"} (other work on the machine skews the figures)");
        Report.Save(options.ResultPath, new
        {
            mode = "lazy",
            os = "Debian " + StartupImages.DebianRelease,
            runtime = set.Runtime.Runtime.Version,
            aspNetCore = set.AspNetCore.Version,
            link = shape?.ToSpec() ?? "none",
            snapshotterConfig = settings.SnapshotterConfig,
            trace = settings.Trace is not null,
            rounds = options.Runs,
            loadAverageBefore = loadBefore,
            loadAverageAfter = loadAfter,
            images = summaries,
            runs = measurements,
            zstdChunkedPartialPulls = partial,
        });
        return 0;
    }

    /// <summary>Pushes the gzip image, converts the eStargz variants into the registry, records the optimize list, and estimates each.</summary>
    private static async Task<Prepared> PrepareAsync(string work, StartupImage image, StartupImages set, LocalRegistry registry, ImageTransports transports, LinkProfile link,
        LazyRunSettings settings)
    {
        var dotnetVersion = set.Runtime.Runtime.Version;
        var id = image.Id.ToLowerInvariant();
        var layout = image.Write(Path.Combine(work, "lazy-" + id), dotnetVersion);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"image {image.Id}: {image.Title}, {image.CompressedBytes / 1e6:F1} MB gzip"));
        var gzip = $"lazy-{id}-gzip:1";
        Skopeo.Copy(layout.SkopeoReference, $"docker://{registry.Host}/{gzip}");

        var variants = new List<Variant> { new("full", "gzip, full pull (overlayfs)", gzip, Lazy: false) };
        foreach (var (key, mode) in new[] { ("auto", PrioritizationMode.Auto), ("none", PrioritizationMode.None) })
        {
            var repository = $"lazy-{id}-{key}:1";
            await ConvertAsync(transports, layout.SkopeoReference, $"docker://{registry.Host}/{repository}", mode, null);
            variants.Add(new Variant(key, $"eStargz lazy, {key}", repository, Lazy: true));
        }
        if (settings.HasTuned)
        {
            var repository = $"lazy-{id}-tuned:1";
            await ConvertAsync(transports, layout.SkopeoReference, $"docker://{registry.Host}/{repository}", PrioritizationMode.Auto, null, settings.TunedChunkSize, settings.TunedGzipLevel);
            variants.Add(new Variant("tuned", $"eStargz lazy, auto, chunk {(settings.TunedChunkSize ?? LayerFormats.ChunkSizes.Default) / 1024} KiB, gzip {settings.TunedGzipLevel?.ToString(CultureInfo.InvariantCulture) ?? "default"}", repository, Lazy: true));
        }

        // The peer's best: ctr-remote optimize runs the gzip image as root under fanotify and records what it reads.
        var record = Path.Combine(work, $"optimize-{id}.jsonl");
        using (var session = LazyPullSession.Start())
        {
            var source = $"{registry.Host}/{gzip}";
            var pull = session.Pull(source);
            if (pull.ExitCode != 0) throw new InvalidOperationException($"ctr image pull {source}: {pull.StdErr}");
            var optimize = session.Optimize(source, $"{registry.Host}/lazy-{id}-peer:1", record, OptimizePeriod);
            if (optimize.ExitCode != 0 || !File.Exists(record)) throw new InvalidOperationException($"ctr-remote image optimize {source}: {optimize.StdErr}");
        }
        var optimized = $"lazy-{id}-optimize:1";
        await ConvertAsync(transports, layout.SkopeoReference, $"docker://{registry.Host}/{optimized}", PrioritizationMode.Record, record);
        variants.Add(new Variant("optimize", "eStargz lazy, ctr-remote optimize's list", optimized, Lazy: true));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"variants pushed to {registry.Host}: {string.Join(", ", variants.Select(v => $"{v.Key} = {v.Repository}"))}"));

        // What inspect --startup auto --link prints for each: the bytes of the auto list on that layout and the network time at the link.
        var estimates = new Dictionary<string, double>(StringComparer.Ordinal);
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        IReadOnlyList<string> auto = [];
        foreach (var v in variants)
        {
            await using var source = transports.OpenSource($"docker://{registry.Host}/{v.Repository}");
            var platform = (await StartupCostEstimator.EstimateAsync(source, StartupList.Auto, work)).Platforms.Single();
            var cost = platform.Manifests[0];
            if (v.Key == "full") auto = platform.Plan.Paths;
            estimates[v.Key] = (v.Lazy ? StartupTimeModel.Lazy(cost, link) : StartupTimeModel.FullPull(cost, link)).TotalSeconds;
            bytes[v.Key] = v.Lazy ? cost.StartupBytes : cost.ImageBytes;
        }
        var comparison = Compare(auto, AccessRecord.Load(record).Entries.Select(e => ImagePath.Normalize(e.Path)).Distinct().ToList(), image, set);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"auto list vs ctr-remote optimize's record (regular files): {comparison.Auto.Count} listed, {comparison.Recorded.Count} read; listed not read {comparison.AutoNotRead.Count}{Names(comparison.AutoNotRead)}; read not listed {comparison.ReadNotInAuto.Count}{Names(comparison.ReadNotInAuto)}"));
        return new Prepared(image, variants, estimates, bytes, comparison);
    }

    /// <summary>The auto list against the record, both cut to the image's regular files (the record holds directories and symlinks too).</summary>
    private static ListComparison Compare(IReadOnlyList<string> autoPaths, IReadOnlyList<string> recordPaths, StartupImage image, StartupImages set)
    {
        var files = set.BaseFiles;
        files.UnionWith(Directory.GetFiles(image.App.Folder, "*", SearchOption.AllDirectories).Select(f => "/app/" + Path.GetRelativePath(image.App.Folder, f).Replace('\\', '/')));
        var auto = autoPaths.Select(ImagePath.Normalize).Where(files.Contains).Distinct().ToList();
        var read = recordPaths.Where(files.Contains).ToList();
        return new ListComparison(read, auto, [.. auto.Except(read).Order(StringComparer.Ordinal)], [.. read.Except(auto).Order(StringComparer.Ordinal)]);
    }

    private static string Names(IReadOnlyList<string> paths) => paths.Count == 0 ? "" : " (" + string.Join(", ", paths.Select(p => p[(p.LastIndexOf('/') + 1)..])) + ")";

    private static async Task ConvertAsync(ImageTransports transports, string source, string destination, PrioritizationMode mode, string? file,
        long? chunkSize = null, int? gzipLevel = null)
    {
        await using var src = transports.OpenSource(source);
        await using var sink = transports.OpenSink(destination, out var tag);
        var request = new ConversionRequest
        {
            TempDirectory = Path.GetTempPath(),
            Variants = [LayerVariant.EStargz], Prioritization = mode, PrioritizationFile = file, Tags = [tag ?? "1"],
            ChunkSize = chunkSize ?? LayerFormats.ChunkSizes.Default, GzipLevel = gzipLevel,
        };
        await new ImageConverter(request).ConvertAsync(src, sink);
    }

    /// <summary>Prints one image's table and ratios; returns its JSON summary.</summary>
    private static object Summarize(Prepared p, IReadOnlyList<LazyMeasurement> runs, LinkProfile link)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"image {p.Image.Id}: {p.Image.Title} ({p.Image.CompressedBytes / 1e6:F1} MB gzip), link {link}"));
        Console.WriteLine($"{"variant",-44}{"first output best / median",28}{"moved before (median)",23}{"on demand",11}{"estimate",20}");
        var rows = new List<object>();
        var medians = new Dictionary<string, double>(StringComparer.Ordinal);
        var bests = new Dictionary<string, double>(StringComparer.Ordinal);
        var phases = new List<string>();
        foreach (var v in p.Variants)
        {
            var mine = runs.Where(r => r.Variant == v.Key).ToList();
            if (mine.Count == 0) continue;
            var seconds = mine.Select(r => r.Seconds).Order().ToList();
            var (best, median) = (seconds[0], Median(seconds));
            var moved = Median(mine.Select(r => (double)r.BytesBefore).Order().ToList());
            var onDemand = Median(mine.Select(r => (double)r.OnDemandBytes).Order().ToList());
            medians[v.Key] = median;
            bests[v.Key] = best;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{v.Title,-44}{$"{best:F2} / {median:F2} s",28}{$"{moved / 1e6:F2} MB",23}{(v.Lazy ? $"{onDemand / 1e6:F2} MB" : "-"),11}{$"{p.Estimates[v.Key]:F2} s, {p.EstimatedBytes[v.Key] / 1e6:F2} MB",20}"));
            double? Phase(Func<LazyMeasurement, double?> phase) =>
                mine.Select(phase).OfType<double>().Order().ToList() is { Count: > 0 } seen ? Median(seen) : null;
            var pulled = Phase(r => r.Timeline.PullEnd);
            var prefetchDone = Phase(r => r.Timeline.PrefetchDone);
            var containerPrepared = Phase(r => r.Timeline.ContainerPrepared);
            var shim = Phase(r => r.Timeline.ShimStarted);
            var fromRun = Phase(r => r.Seconds - r.PullSeconds);
            var secondStart = Phase(r => r.SecondStartSeconds);
            phases.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {v.Key,-9} pulled {pulled:F2} s{(prefetchDone is { } pd ? $", prefetch done {pd:F2} s" : "")}{(containerPrepared is { } cp ? $", container snapshot {cp:F2} s" : "")}" +
                $"{(shim is { } sh ? $", runc shim {sh:F2} s" : "")}, first output {median:F2} s; ctr run → first output {fromRun:F2} s, started again on the same pull {secondStart:F2} s"));
            rows.Add(new
            {
                variant = v.Key, title = v.Title, repository = v.Repository, bestSeconds = best, medianSeconds = median, medianBytesBefore = (long)moved,
                medianOnDemandBytes = (long)onDemand, estimateSeconds = p.Estimates[v.Key], estimatedBytes = p.EstimatedBytes[v.Key],
                medianPhases = new { pulled, prefetchDone, containerSnapshot = containerPrepared, runcShim = shim, runToFirstOutput = fromRun, secondStart },
            });
        }
        Console.WriteLine("phases, medians from the pull's start:");
        foreach (var line in phases) Console.WriteLine(line);
        // A ratio is null (printed n/a) when --variants left one of its two out.
        double? M(string key) => medians.TryGetValue(key, out var m) ? m : null;
        double? B(string key) => bests.TryGetValue(key, out var b) ? b : null;
        var fullOverAuto = M("full") / M("auto");
        var autoOverOptimize = M("auto") / M("optimize");
        var autoRuns = runs.Where(r => r.Variant == "auto").ToList();
        var onDemandShare = autoRuns.Select(r => r.BytesBefore == 0 ? 0 : (double)r.OnDemandBytes / r.BytesBefore).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"full ÷ lazy (auto): {Times(fullOverAuto)} by the medians (best {Times(B("full") / B("auto"))}); auto ÷ optimize: {Times(autoOverOptimize)} " +
            $"(best {Times(B("auto") / B("optimize"))}); full ÷ none: {Times(M("full") / M("none"))}" +
            $"{(M("tuned") is { } tuned ? $"; full ÷ tuned: {Times(M("full") / tuned)}, auto ÷ tuned: {Times(M("auto") / tuned)}" : "")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"auto: on-demand bytes after the prefetch {100 * Median(onDemandShare):F1}% of the bytes moved before the first output (median of {autoRuns.Count}); " +
            $"the estimate is the network time of {StartupTimeModel.ResolveRoundTrips}+ round trips and the bytes of the auto list (inspect --startup auto --link {link.ToSpec()})"));
        return new
        {
            image = p.Image.Id, title = p.Image.Title, gzipBytes = p.Image.CompressedBytes, optimizeRecord = p.AutoVsRecord.Recorded, autoList = p.AutoVsRecord.Auto,
            autoNotRead = p.AutoVsRecord.AutoNotRead, readNotInAuto = p.AutoVsRecord.ReadNotInAuto, variants = rows,
            fullOverAuto, autoOverOptimize, fullOverAutoBest = B("full") / B("auto"), autoOnDemandShare = autoRuns.Count > 0 ? Median(onDemandShare) : (double?)null,
        };
    }

    private static string Times(double? ratio) => ratio is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) + "×" : "n/a";

    private static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    /// <summary>The registry as an endpoint (the link's upstream).</summary>
    internal static IPEndPoint Endpoint(LocalRegistry registry) => new(IPAddress.Loopback, registry.Port);
}
