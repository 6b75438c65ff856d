namespace ChunkedBuild.Bench;

/// <summary>Times one writer: an optional warm-up, then N runs; the best wall time is reported, the largest RSS kept.</summary>
internal static class BenchRunner
{
    /// <summary>Measures <paramref name="writer"/> on <paramref name="input"/>; failures become an n/a row with the reason.</summary>
    public static WriterResult Measure(BenchWriter writer, string input, string output, int runs, bool warmUp)
    {
        var inputBytes = new FileInfo(input).Length;
        if (writer.Program is null)
        {
            Console.WriteLine($"  {writer.Name,-40} n/a ({writer.Unavailable})");
            return WriterResult.NotAvailable(writer.Name, writer.IsOurs, inputBytes, writer.Unavailable ?? "not available");
        }
        try
        {
            var args = writer.Arguments(input, output);
            if (warmUp) ProcessMeasure.Run(writer.Program, args, output); // page cache, disk, and JIT of the child
            var samples = Enumerable.Range(0, runs).Select(_ => ProcessMeasure.Run(writer.Program, args, output)).ToList();
            var best = samples.MinBy(s => s.Seconds)!;
            var result = new WriterResult(writer.Name, writer.IsOurs, true, null, inputBytes, best.Seconds, best.OutputBytes,
                samples.Max(s => s.PeakRssBytes), samples.Where(s => s.ToolSeconds is not null).Select(s => s.ToolSeconds).Min(),
                samples.Max(s => s.ToolMbPerSecond), runs);
            Console.WriteLine($"  {writer.Name,-40} {result.MbPerSecond,8:F1} MB/s  {result.Seconds,7:F2} s  rss {Report.Mb(result.PeakRssBytes),6} MB" +
                (result.ToolMbPerSecond is { } t ? $"  (own figure {t:F1} MB/s)" : ""));
            return result;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            Console.WriteLine($"  {writer.Name,-40} n/a (failed: {e.Message.Split('\n')[0]})");
            return WriterResult.NotAvailable(writer.Name, writer.IsOurs, inputBytes, "failed: " + e.Message);
        }
        finally
        {
            if (File.Exists(output)) File.Delete(output);
        }
    }
}
