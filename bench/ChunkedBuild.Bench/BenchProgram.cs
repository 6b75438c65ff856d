using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ChunkedBuild.Bench;

/// <summary>
/// Layer-writer benchmark. In one run, on the same real tar (the installed .NET shared runtime by default), it measures
/// our zstd:chunked and eStargz writers next to `zstd -3 -T2`, refcheck's stargz-snapshotter zstdchunked converter and
/// refcheck's eStargz converter at gzip 6, and prints throughput, peak RSS and the ratios the targets are stated in.
/// Usage: dotnet run -c Release --project bench/ChunkedBuild.Bench -- [--input TAR] [--rss-gb N] [--runs N]
/// </summary>
public static class BenchProgram
{
    /// <summary>Entry point; also the child-process mode used to measure our writers' peak RSS in isolation.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "--child") return await ChildRun.RunAsync(args[1..]);
        var input = Arg(args, "--input");
        var rssGb = Arg(args, "--rss-gb") is { } g ? double.Parse(g, CultureInfo.InvariantCulture) : 0;
        var runs = Arg(args, "--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 3;
        var work = Directory.CreateTempSubdirectory("chunkedbuild-bench-");
        try
        {
            var tar = input ?? BenchInputs.RuntimeTar(work.FullName, rssGb > 0 ? (long)(rssGb * 1024 * 1024 * 1024) : 100L << 20);
            var size = new FileInfo(tar).Length;
            Console.WriteLine($"input: {tar} ({size / 1048576.0:F1} MiB), {Environment.ProcessorCount} cores");
            var measurements = new List<Measurement>();
            var outPath = Path.Combine(work.FullName, "out.blob");
            measurements.Add(Measure.Best("ours zstd:chunked -3", runs, () => Measure.Child("zstd-chunked", tar, outPath, 3), size));
            measurements.Add(Measure.Best("ours eStargz gzip-6", runs, () => Measure.Child("estargz", tar, outPath, 6), size));
            if (rssGb == 0)
            {
                measurements.Add(Measure.Best("zstd -3 -T2", runs, () => Measure.External("zstd", ["-3", "-T2", "-q", "-f", "-o", outPath, tar], outPath), size));
                if (Measure.RefCheck() is { } refcheck)
                {
                    measurements.Add(Measure.Best("refcheck convert-zstdchunked", runs, () => Measure.External(refcheck, ["convert-zstdchunked", tar, outPath], outPath), size));
                    measurements.Add(Measure.Best("refcheck convert-estargz -6", Math.Min(runs, 2), () => Measure.External(refcheck, ["convert-estargz", tar, outPath, "--level", "6"], outPath), size));
                }
            }
            Report.Print(measurements, size);
            Report.Save(measurements, size, tar);
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

/// <summary>One timed run: wall seconds, peak RSS (bytes, when known) and output size.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Seconds">Wall-clock seconds of the best run.</param>
/// <param name="PeakRssBytes">Peak resident set of the process, when it could be read.</param>
/// <param name="OutputBytes">Size of the output blob.</param>
/// <param name="InputBytes">Size of the input tar.</param>
public sealed record Measurement(string Name, double Seconds, long? PeakRssBytes, long OutputBytes, long InputBytes)
{
    /// <summary>Input MiB per wall second.</summary>
    public double MiBPerSecond => InputBytes / 1048576.0 / Seconds;
}

/// <summary>Runs commands and measures them.</summary>
internal static class Measure
{
    public static Measurement Best(string name, int runs, Func<(double Seconds, long? Rss, long Output)> run, long inputBytes)
    {
        run(); // warm-up (page cache, JIT of the child)
        var results = Enumerable.Range(0, Math.Max(1, runs)).Select(_ => run()).ToList();
        var best = results.MinBy(r => r.Seconds);
        var m = new Measurement(name, best.Seconds, results.Max(r => r.Rss), best.Output, inputBytes);
        Console.WriteLine($"  {name,-32} {m.MiBPerSecond,8:F1} MiB/s  {m.Seconds,7:F2} s  rss {(m.PeakRssBytes is { } b ? $"{b / 1048576.0:F0} MiB" : "n/a"),8}");
        return m;
    }

    /// <summary>Our writer in a child process of this program (so its peak RSS is its own).</summary>
    public static (double, long?, long) Child(string format, string input, string output, int level) =>
        External("dotnet", [typeof(BenchProgram).Assembly.Location, "--child", format, input, output, level.ToString(CultureInfo.InvariantCulture)], output);

    /// <summary>Runs a program under /usr/bin/time (for its max RSS) when available.</summary>
    public static (double, long?, long) External(string program, IReadOnlyList<string> arguments, string output)
    {
        var timeTool = File.Exists("/usr/bin/time") ? "/usr/bin/time" : null;
        var rssFile = Path.GetTempFileName();
        var psi = new ProcessStartInfo(timeTool ?? program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (timeTool is not null)
        {
            psi.ArgumentList.Add("-f");
            psi.ArgumentList.Add("%M");
            psi.ArgumentList.Add("-o");
            psi.ArgumentList.Add(rssFile);
            psi.ArgumentList.Add(program);
        }
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} failed ({p.ExitCode}): {stderr.Result}{stdout.Result}");
        long? rss = timeTool is not null && long.TryParse(File.ReadAllText(rssFile).Trim().Split('\n')[^1], out var kb) ? kb * 1024 : null;
        File.Delete(rssFile);
        return (seconds, rss, File.Exists(output) ? new FileInfo(output).Length : 0);
    }

    /// <summary>refcheck from CHUNKEDBUILD_REFCHECK, the temp build cache, or built with ../shared/refcheck/build.sh.</summary>
    public static string? RefCheck()
    {
        try
        {
            return ChunkedBuild.Testing.RefCheck.PathToBinary;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            Console.WriteLine($"  refcheck unavailable: {e.Message}");
            return null;
        }
    }
}

/// <summary>Printing and saving the results.</summary>
internal static class Report
{
    public static void Print(List<Measurement> all, long inputBytes)
    {
        Console.WriteLine();
        Console.WriteLine($"| writer | MiB/s | seconds | output MiB | ratio | peak RSS MiB |");
        Console.WriteLine($"|---|---:|---:|---:|---:|---:|");
        foreach (var m in all)
            Console.WriteLine($"| {m.Name} | {m.MiBPerSecond:F1} | {m.Seconds:F2} | {m.OutputBytes / 1048576.0:F1} | {100.0 * m.OutputBytes / inputBytes:F1}% | {(m.PeakRssBytes is { } r ? (r / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) : "n/a")} |");
        Console.WriteLine();
        Ratio(all, "ours zstd:chunked -3", "zstd -3 -T2", 0.45);
        Ratio(all, "ours eStargz gzip-6", "refcheck convert-estargz -6", 3.0);
        Ratio(all, "ours zstd:chunked -3", "refcheck convert-zstdchunked", null);
        foreach (var m in all.Where(m => m.Name.StartsWith("ours", StringComparison.Ordinal)))
            Console.WriteLine($"peak RSS {m.Name}: {(m.PeakRssBytes is { } r ? $"{r / 1048576.0:F0} MiB" : "n/a")} (target ≤ 300 MiB on a 1 GB layer)");
    }

    private static void Ratio(List<Measurement> all, string ours, string reference, double? target)
    {
        var a = all.FirstOrDefault(m => m.Name == ours);
        var b = all.FirstOrDefault(m => m.Name == reference);
        if (a is null || b is null) return;
        var ratio = a.MiBPerSecond / b.MiBPerSecond;
        var verdict = target is { } t ? (ratio >= t ? $" (target ≥ {t}: met)" : $" (target ≥ {t}: NOT met)") : "";
        Console.WriteLine($"throughput {ours} / {reference} = {ratio:F2}×{verdict}");
    }

    public static void Save(List<Measurement> all, long inputBytes, string input)
    {
        var dir = Path.Combine(ChunkedBuild.Testing.RepoPaths.Root, "bench", "results");
        Directory.CreateDirectory(dir);
        var json = JsonSerializer.Serialize(new { input, inputBytes, cores = Environment.ProcessorCount, measurements = all }, new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(Path.Combine(dir, "latest.json"), json);
    }
}
