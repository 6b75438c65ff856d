using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ChunkedBuild.Bench;

/// <summary>One run of one writer.</summary>
/// <param name="Seconds">Wall-clock seconds from process start to exit.</param>
/// <param name="PeakRssBytes">The process's peak resident set, when it could be measured.</param>
/// <param name="OutputBytes">Size of the output file.</param>
/// <param name="ToolSeconds">The conversion time the program reported itself (the oracle's <c>elapsed_s</c>).</param>
/// <param name="ToolMbPerSecond">The throughput the program reported itself (the oracle's <c>mb_per_s</c>).</param>
internal sealed record RunSample(double Seconds, long? PeakRssBytes, long OutputBytes, double? ToolSeconds, double? ToolMbPerSecond);

/// <summary>Runs a program and measures wall time, peak RSS and output size.</summary>
internal static class ProcessMeasure
{
    private const string TimeTool = "/usr/bin/time";

    /// <summary>True when GNU time is installed (peak RSS of any program via its <c>%M</c>).</summary>
    public static bool HasTimeTool { get; } = File.Exists(TimeTool);

    /// <summary>
    /// Runs <paramref name="program"/> (under /usr/bin/time when installed) and returns the sample. Peak RSS comes from
    /// GNU time's %M, or from the child's own <c>peak_rss_kb=</c> line (our writers print it).
    /// </summary>
    public static RunSample Run(string program, IReadOnlyList<string> arguments, string outputPath) =>
        Run(program, arguments, [outputPath]);

    /// <summary>As above, the output size being the sum of <paramref name="outputFiles"/> (e.g. both halves of a two-process reference).</summary>
    public static RunSample Run(string program, IReadOnlyList<string> arguments, IReadOnlyList<string> outputFiles)
    {
        foreach (var file in outputFiles) if (File.Exists(file)) File.Delete(file);
        var rssFile = HasTimeTool ? Path.GetTempFileName() : null;
        var psi = new ProcessStartInfo(rssFile is null ? program : TimeTool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (rssFile is not null)
        {
            foreach (var a in new[] { "-f", "%M", "-o", rssFile, program }) psi.ArgumentList.Add(a);
        }
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        try
        {
            if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({p.ExitCode}): {stderr.Result}{stdout.Result}");
            var rss = ReadTimeRss(rssFile) ?? SelfReportedRss(stderr.Result);
            var (toolSeconds, toolMbPerSecond) = ToolFigures(stdout.Result);
            return new RunSample(seconds, rss, outputFiles.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0), toolSeconds, toolMbPerSecond);
        }
        finally
        {
            if (rssFile is not null) File.Delete(rssFile);
        }
    }

    /// <summary>GNU time writes "%M" (max RSS in KiB) as the last line of its output file.</summary>
    private static long? ReadTimeRss(string? file) =>
        file is not null && File.Exists(file) && long.TryParse(File.ReadAllText(file).Trim().Split('\n')[^1], CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;

    private static long? SelfReportedRss(string stderr)
    {
        var line = stderr.Split('\n').LastOrDefault(l => l.StartsWith(ChildRun.PeakRssPrefix, StringComparison.Ordinal));
        return line is not null && long.TryParse(line.AsSpan(ChildRun.PeakRssPrefix.Length).Trim(), CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
    }

    /// <summary>The oracle's converters print one JSON line with <c>elapsed_s</c> and <c>mb_per_s</c>.</summary>
    private static (double?, double?) ToolFigures(string stdout)
    {
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.TrimStart().StartsWith('{'));
        if (line is null) return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(line);
            double? Get(string name) => doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
            return (Get("elapsed_s"), Get("mb_per_s"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
