using System.Security.Cryptography;

namespace ChunkedBuild.Bench;

/// <summary>
/// Times the writers: one warm-up run each, then <c>runs</c> rounds in which every writer runs once (interleaved, so a
/// burst of load from elsewhere on the machine hits every writer rather than one); the best wall time of each writer is
/// reported and the largest peak RSS kept. The sha256 of our writers' output is recorded (untimed): the bytes must not
/// change between runs or thread counts.
/// </summary>
internal static class BenchRunner
{
    /// <summary>Measures every writer on <paramref name="input"/>; missing or failing ones become n/a rows with the reason.</summary>
    public static List<WriterResult> MeasureAll(IReadOnlyList<BenchWriter> writers, string input, string output, int runs, bool warmUp)
    {
        var inputBytes = new FileInfo(input).Length;
        var samples = writers.ToDictionary(w => w, _ => new List<RunSample>());
        var digests = new Dictionary<BenchWriter, string>();
        var failures = writers.Where(w => w.Program is null).ToDictionary(w => w, w => w.Unavailable ?? "not available");
        for (var round = warmUp ? -1 : 0; round < runs; round++)
        {
            Console.WriteLine(round < 0 ? "  warm-up round" : $"  round {round + 1} of {runs}");
            foreach (var writer in writers.Where(w => !failures.ContainsKey(w)))
            {
                try
                {
                    Delete(output, writer);
                    var sample = ProcessMeasure.Run(writer.Program!, writer.Arguments(input, output), []);
                    sample = sample with { OutputBytes = writer.OutputFiles(output).Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0) };
                    if (writer.IsOurs && !digests.ContainsKey(writer)) digests[writer] = Sha256(output);
                    if (round >= 0) samples[writer].Add(sample);
                    Console.WriteLine($"    {writer.Name,-40} {inputBytes / 1e6 / sample.Seconds,8:F1} MB/s  {sample.Seconds,7:F2} s  {sample.OutputBytes / 1e6,7:F2} MB  rss {Report.Mb(sample.PeakRssBytes),6} MB" +
                        (sample.ToolMbPerSecond is { } t ? $"  (own figure {t:F1} MB/s)" : ""));
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
                {
                    failures[writer] = "failed: " + e.Message.Split('\n')[0];
                    Console.WriteLine($"    {writer.Name,-40} n/a ({failures[writer]})");
                }
                finally
                {
                    Delete(output, writer);
                }
            }
        }
        return [.. writers.Select(w => failures.TryGetValue(w, out var why) || samples[w].Count == 0
            ? WriterResult.NotAvailable(w.Name, w.IsOurs, inputBytes, why ?? "no run")
            : Summarize(w, samples[w], inputBytes) with { OutputSha256 = digests.GetValueOrDefault(w) })];
    }

    private static void Delete(string output, BenchWriter writer)
    {
        foreach (var path in writer.OutputFiles(output).Append(output))
        {
            if (File.Exists(path)) File.Delete(path);
            else if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
    }

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static WriterResult Summarize(BenchWriter writer, List<RunSample> samples, long inputBytes)
    {
        var best = samples.MinBy(s => s.Seconds)!;
        return new WriterResult(writer.Name, writer.IsOurs, true, null, inputBytes, best.Seconds, best.OutputBytes,
            samples.Max(s => s.PeakRssBytes), samples.Where(s => s.ToolSeconds is not null).Select(s => s.ToolSeconds).Min(),
            samples.Max(s => s.ToolMbPerSecond), samples.Count);
    }
}
