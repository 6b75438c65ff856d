namespace ChunkedBuild.Bench;

/// <summary>
/// Times the writers: one warm-up run each, then <c>runs</c> rounds in which every writer runs once (interleaved, so a
/// burst of load from elsewhere on the machine hits every writer rather than one); the best wall time of each writer is
/// reported and the largest peak RSS kept.
/// </summary>
internal static class BenchRunner
{
    /// <summary>Measures every writer on <paramref name="input"/>; missing or failing ones become n/a rows with the reason.</summary>
    public static List<WriterResult> MeasureAll(IReadOnlyList<BenchWriter> writers, string input, string output, int runs, bool warmUp)
    {
        var inputBytes = new FileInfo(input).Length;
        var samples = writers.ToDictionary(w => w, _ => new List<RunSample>());
        var failures = writers.Where(w => w.Program is null).ToDictionary(w => w, w => w.Unavailable ?? "not available");
        for (var round = warmUp ? -1 : 0; round < runs; round++)
        {
            Console.WriteLine(round < 0 ? "  warm-up round" : $"  round {round + 1} of {runs}");
            foreach (var writer in writers.Where(w => !failures.ContainsKey(w)))
            {
                try
                {
                    var sample = ProcessMeasure.Run(writer.Program!, writer.Arguments(input, output), output);
                    if (round >= 0) samples[writer].Add(sample);
                    Console.WriteLine($"    {writer.Name,-40} {inputBytes / 1e6 / sample.Seconds,8:F1} MB/s  {sample.Seconds,7:F2} s  rss {Report.Mb(sample.PeakRssBytes),6} MB" +
                        (sample.ToolMbPerSecond is { } t ? $"  (own figure {t:F1} MB/s)" : ""));
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
                {
                    failures[writer] = "failed: " + e.Message.Split('\n')[0];
                    Console.WriteLine($"    {writer.Name,-40} n/a ({failures[writer]})");
                }
                finally
                {
                    if (File.Exists(output)) File.Delete(output);
                }
            }
        }
        return [.. writers.Select(w => failures.TryGetValue(w, out var why) || samples[w].Count == 0
            ? WriterResult.NotAvailable(w.Name, w.IsOurs, inputBytes, why ?? "no run")
            : Summarize(w, samples[w], inputBytes))];
    }

    private static WriterResult Summarize(BenchWriter writer, List<RunSample> samples, long inputBytes)
    {
        var best = samples.MinBy(s => s.Seconds)!;
        return new WriterResult(writer.Name, writer.IsOurs, true, null, inputBytes, best.Seconds, best.OutputBytes,
            samples.Max(s => s.PeakRssBytes), samples.Where(s => s.ToolSeconds is not null).Select(s => s.ToolSeconds).Min(),
            samples.Max(s => s.ToolMbPerSecond), samples.Count);
    }
}
