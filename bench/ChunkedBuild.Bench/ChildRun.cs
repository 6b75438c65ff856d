using System.Globalization;
using ChunkedBuild.Core.Formats;

namespace ChunkedBuild.Bench;

/// <summary>
/// The child-process mode: converts one file with one of our writers (level as given, one thread per core), exactly
/// as the tool does, then prints one JSON line on stdout with the conversion's own <c>elapsed_s</c> and <c>mb_per_s</c>
/// (the oracle's fields: process start and JIT excluded, as the oracle's figure excludes its own start) and its peak RSS
/// (<c>VmHWM</c> of /proc/self/status) as <c>peak_rss_kb=N</c> on stderr, so the parent has it even without /usr/bin/time.
/// </summary>
internal static class ChildRun
{
    /// <summary>The line prefix of the self-reported peak RSS.</summary>
    public const string PeakRssPrefix = "peak_rss_kb=";

    public static async Task<int> RunAsync(string[] args)
    {
        var (format, input, output, level) = (args[0], args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await LayerFileConverter.ConvertAsync(input, output, LayerFormats.Get(format), new FormatOptions { TempDirectory = Path.GetTempPath(), Level = level }, overwrite: true);
        var seconds = clock.Elapsed.TotalSeconds;
        var mbPerSecond = new FileInfo(input).Length / 1e6 / seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"elapsed_s\":{seconds:F4},\"mb_per_s\":{mbPerSecond:F2}}}"));
        if (Environment.GetEnvironmentVariable("CHUNKEDBUILD_BENCH_GCINFO") == "1")
        {
            var info = GC.GetGCMemoryInfo(GCKind.Any);
            Console.Error.WriteLine($"gc heap {info.HeapSizeBytes >> 20} MiB, committed {info.TotalCommittedBytes >> 20} MiB, total allocated {GC.GetTotalAllocatedBytes() >> 20} MiB, gen2 collections {GC.CollectionCount(2)}");
        }
        if (PeakRssKb() is { } kb) Console.Error.WriteLine($"{PeakRssPrefix}{kb.ToString(CultureInfo.InvariantCulture)}");
        return 0;
    }

    private static long? PeakRssKb()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return null;
        // "VmHWM:	  123456 kB"
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var digits = line?.Split(' ', '\t').FirstOrDefault(t => t.Length > 0 && char.IsAsciiDigit(t[0]));
        return long.TryParse(digits, CultureInfo.InvariantCulture, out var kb) ? kb : null;
    }
}
