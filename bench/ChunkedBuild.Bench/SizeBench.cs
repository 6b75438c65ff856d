using System.Globalization;
using System.Text.Json;

namespace ChunkedBuild.Bench;

/// <summary>
/// The first-pull size figure (<c>--sizes</c>): the image of <c>--registry-cache</c> (samples/app on the aspnet:10.0-like base, its layers
/// gzip-compressed as the SDK writes them) converted cold into an OCI layout by a fresh process of the published tool for each pair of levels asked for; per
/// variant, its layers' compressed bytes against the gzip original's (the bytes a first pull downloads; target ≤ 1.00×) and the
/// conversion step's wall time. The levels are inputs, not choices: the defaults are decided from these figures.
/// </summary>
internal static class SizeBench
{
    /// <summary>Runs the mode for <paramref name="levels"/> (pairs of zstd:chunked and eStargz levels).</summary>
    public static async Task<int> RunAsync(string work, string tool, IReadOnlyList<(int Zstd, int Gzip)> levels, string resultPath)
    {
        Console.WriteLine("building the aspnet:10.0-like base from this machine (dpkg database, installed .NET) and publishing samples/app…");
        var (layers, version) = RegistryCacheBench.BaseLayers();
        var sample = StartupApps.SampleApp(work);
        var release = RegistryCacheBench.WriteRelease(work, 0, layers, sample, version);
        var load = RegistryCacheBench.LoadAverage();
        var rows = new List<object>();
        foreach (var (zstd, gzip) in levels)
        {
            var output = Path.Combine(work, string.Create(CultureInfo.InvariantCulture, $"out-{zstd}-{gzip}"));
            var (seconds, report) = await RegistryCacheBench.ChildAsync(tool, work, release, "oci:" + output + ":bench", false,
                zstd.ToString(CultureInfo.InvariantCulture), gzip.ToString(CultureInfo.InvariantCulture));
            PrintSizes(string.Create(CultureInfo.InvariantCulture, $"zstd:chunked level {zstd}, eStargz level {gzip}: both variants converted in {seconds:F1} s"), report);
            rows.Add(new { zstdLevel = zstd, gzipLevel = gzip, seconds, sizes = report.GetProperty("sizes") });
            Directory.Delete(output, recursive: true);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average before/after {load ?? "n/a"} / {RegistryCacheBench.LoadAverage() ?? "n/a"}"));
        Report.Save(resultPath, new { mode = "sizes", cores = Environment.ProcessorCount, runs = rows });
        return 0;
    }

    /// <summary>Prints each variant's layer bytes against the original's from a conversion child's report.</summary>
    public static void PrintSizes(string title, JsonElement report)
    {
        Console.WriteLine(title);
        foreach (var variant in report.GetProperty("sizes").EnumerateObject())
        {
            var bytes = variant.Value.GetProperty("layerBytes").GetInt64();
            var original = variant.Value.GetProperty("originalLayerBytes").GetInt64();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {variant.Name,-13} {bytes / 1e6,8:F1} MB vs {original / 1e6:F1} MB gzip original = {(double)bytes / original:F3}× (target ≤ 1.00×)"));
        }
    }

    /// <summary>Parses <c>--levels 3:6,10:9</c> (zstd:chunked level : eStargz level, comma-separated).</summary>
    public static IReadOnlyList<(int Zstd, int Gzip)> ParseLevels(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(pair =>
        {
            var parts = pair.Split(':');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var zstd) || zstd is < 1 or > 22
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var gzip) || gzip > 9)
                throw new ArgumentException($"--levels takes ZSTD:GZIP pairs (zstd 1-22, gzip 0-9), not '{pair}'");
            return (zstd, gzip);
        })];
}
