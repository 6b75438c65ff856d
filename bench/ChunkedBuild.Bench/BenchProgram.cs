using System.Runtime.InteropServices;

namespace ChunkedBuild.Bench;

/// <summary>
/// Layer-writer benchmark. In one run, on the same real tar (the installed .NET shared runtime by default), it measures
/// our zstd:chunked and eStargz writers next to <c>zstd -3 -T2</c>, the oracle's stargz-snapshotter zstd:chunked converter
/// and its eStargz converter at gzip 6, and prints throughput, output size, peak RSS and the ratios the targets
/// are stated in. <c>--rss-gb N</c> measures only our writers' peak RSS on an N GB tar.
/// </summary>
public static class BenchProgram
{
    /// <summary>Entry point; also the child-process mode used to measure our writers in isolation.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "--child") return await ChildRun.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "--child-image") return await ImageBench.ChildAsync(args[1..]);
        if (args.Length > 0 && args[0] == "--child-push") return await PushBench.ChildAsync(args[1..]);
        if (args.Length > 0 && args[0] == "--digests") return await OutputDigests.RunAsync(args);
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }
        var work = Directory.CreateTempSubdirectory("chunkedbuild-bench-");
        try
        {
            if (options.LayerCounts is { } counts) return LayerCountBench.Run(work.FullName, counts, options.ResultPath);
            if (options.Lazy) return await LazyBench.RunAsync(work.FullName, options);
            if (options.Startup) return await StartupBench.RunAsync(work.FullName, options.ResultPath);
            if (options.SizeLevels is { } levels) return await SizeBench.RunAsync(work.FullName, options.Tool ?? PublishedTool.Publish(work.FullName), levels, options.ResultPath);
            if (options.RegistryCache) return await RegistryCacheBench.RunAsync(work.FullName, options.Tool ?? PublishedTool.Publish(work.FullName), options.Runs, options.ResultPath);
            if (options.PushMb > 0) return PushBench.Run(work.FullName, options.PushMb, options.Runs, options.ResultPath);
            if (options.ImageMb > 0) return ImageBench.Run(work.FullName, options.ImageMb, options.Runs, options.ResultPath);
            var minimum = options.MemoryMode ? (long)(options.RssGb * (1L << 30)) : options.SizeMb * 1_000_000;
            if (options.Input is null) Console.WriteLine($"building a tar of the .NET shared runtime (at least {minimum / 1e6:F0} MB)…");
            var tar = options.Input ?? BenchInputs.RuntimeTar(work.FullName, minimum);
            var inputBytes = new FileInfo(tar).Length;
            Console.WriteLine($"input: {tar} ({inputBytes / 1e6:F1} MB), {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, " +
                $"peak RSS via {(ProcessMeasure.HasTimeTool ? "/usr/bin/time" : "VmHWM (ours only)")}");
            var output = Path.Combine(work.FullName, "out.blob");
            var tool = options.Tool ?? PublishedTool.Publish(work.FullName);
            var writers = Writers(options, tool, tar, work.FullName);
            var runs = options.MemoryMode ? 1 : options.Runs;
            // Memory mode: one run each, no warm-up (the input is large and RSS does not need repeats), no second set.
            var sets = new List<object>();
            foreach (var loaded in options.MemoryMode || !options.Loaded ? [false] : new[] { false, true })
            {
                Console.WriteLine(loaded ? "set 2: with one core kept busy by a spinning child process" : "set 1: as the machine is");
                var loadBefore = LoadAverage();
                List<WriterResult> rows;
                using (loaded ? CpuLoad.OneBusyCore() : null) rows = BenchRunner.MeasureAll(writers, tar, output, runs, warmUp: !options.MemoryMode);
                var loadAfter = LoadAverage();
                Console.WriteLine($"load average before/after: {loadBefore ?? "n/a"} / {loadAfter ?? "n/a"} (other work on the machine skews the figures)");
                var ratios = options.MemoryMode ? [] : Report.Ratios(rows, loaded);
                Report.Print(rows, ratios, options.MemoryMode);
                sets.Add(new { oneCoreBusy = loaded, loadAverageBefore = loadBefore, loadAverageAfter = loadAfter, writers = rows, ratios });
            }
            Report.Save(options.ResultPath, new
            {
                mode = options.MemoryMode ? "rss" : "throughput",
                input = options.Input ?? "dotnet shared runtime (Microsoft.NETCore.App + Microsoft.AspNetCore.App), repeated",
                inputBytes,
                inputSha256 = Sha256(tar),
                cores = Environment.ProcessorCount,
                os = RuntimeInformation.OSDescription,
                runtime = RuntimeInformation.FrameworkDescription,
                runsPerWriter = runs,
                mbIs = "10^6 bytes",
                sets,
                rssTargetMb = Report.RssTargetMb,
            });
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The 1/5/15-minute load averages from /proc/loadavg, when readable.</summary>
    internal static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    private static List<BenchWriter> Writers(BenchOptions options, string tool, string tar, string work)
    {
        var writers = new List<BenchWriter>
        {
            BenchWriter.Ours(Names.OursZstdChunked, tool, "zstd-chunked", 3),
            BenchWriter.Ours(Names.OursEStargz, tool, "estargz", 6),
        };
        if (options.MemoryMode) return writers;
        writers.Add(BenchWriter.Reference(Names.ZstdCli, ReferenceTools.Zstd(), "zstd not on PATH (apt-get install zstd)",
            (input, output) => ["-3", "-T2", "-q", "-f", "-o", output, input]));
        writers.AddRange(GzipReferences.Writers(GzipReferences.Halves(tar, work)));
        writers.Add(SkopeoReference.Writer(options.Skopeo, tar, work));
        var (refcheck, reason) = ReferenceTools.RefCheck();
        writers.Add(BenchWriter.Reference(Names.RefCheckZstdChunked, refcheck, reason, (input, output) => ["convert-zstdchunked", input, output]));
        writers.Add(BenchWriter.Reference(Names.RefCheckEStargz, refcheck, reason, (input, output) => ["convert-estargz", input, output, "--level", "6"]));
        return writers;
    }
}
