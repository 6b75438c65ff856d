using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChunkedBuild.Bench;

/// <summary>A throughput ratio between two rows and the target it is stated against.</summary>
/// <param name="Name">What is compared.</param>
/// <param name="Value">ours / reference (MB/s over MB/s), null when a row is n/a.</param>
/// <param name="Target">The target (at least), when there is one.</param>
/// <param name="Basis">Which figures were divided.</param>
internal sealed record Ratio(string Name, double? Value, double? Target, string Basis)
{
    /// <summary>True/false when both the value and the target are known.</summary>
    [JsonInclude]
    public bool? Met => Value is { } v && Target is { } t ? v >= t : null;
}

/// <summary>Prints the table and ratios and writes the JSON results.</summary>
internal static class Report
{
    /// <summary>Peak RSS target of both writers on a 1 GB layer.</summary>
    public const double RssTargetMb = 300;

    /// <summary>Bytes as MB (10^6) with no decimals, or n/a.</summary>
    public static string Mb(long? bytes) => bytes is { } b ? (b / 1e6).ToString("F0", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>The ratios the targets are stated in.</summary>
    public static List<Ratio> Ratios(IReadOnlyList<WriterResult> rows)
    {
        WriterResult? Row(string name) => rows.FirstOrDefault(r => r.Name == name && r.Available);
        double? Divide(double? a, double? b) => a is { } x && b is > 0 ? x / b : null;
        var zstd = Row(Names.OursZstdChunked);
        var esgz = Row(Names.OursEStargz);
        var refEsgz = Row(Names.RefCheckEStargz);
        var refZstd = Row(Names.RefCheckZstdChunked);
        return
        [
            new("ours zstd:chunked / zstd -3 -T2", Divide(zstd?.MbPerSecond, Row(Names.ZstdCli)?.MbPerSecond), 0.45, "wall MB/s over wall MB/s (ours includes .NET start and JIT)"),
            new("ours zstd:chunked / zstd -3 -T2 (conversion only)", Divide(zstd?.ToolMbPerSecond, Row(Names.ZstdCli)?.MbPerSecond), null, "our own MB/s (no process start) over zstd's wall MB/s"),
            // the oracle's wall time includes an untimed post-pass that decompresses its output, so the target is judged on
            // both programs' own conversion figures (the conservative choice); the wall ratio is shown too.
            new("ours eStargz / oracle eStargz gzip-6", Divide(esgz?.ToolMbPerSecond, refEsgz?.ToolMbPerSecond), 3.0, "own MB/s over own MB/s (conversion only, both)"),
            new("ours eStargz / oracle eStargz gzip-6 (wall)", Divide(esgz?.MbPerSecond, refEsgz?.MbPerSecond), null, "wall MB/s over wall MB/s (the oracle's wall includes its post-pass)"),
            new("ours zstd:chunked / oracle zstdchunked (stargz-snapshotter)", Divide(zstd?.ToolMbPerSecond, refZstd?.ToolMbPerSecond), null, "own MB/s over own MB/s"),
        ];
    }

    /// <summary>Prints the markdown table, ratios and RSS lines.</summary>
    public static void Print(IReadOnlyList<WriterResult> rows, IReadOnlyList<Ratio> ratios, bool memoryMode)
    {
        Console.WriteLine();
        Console.WriteLine("| writer | MB/s (wall) | own MB/s | seconds | output MB | output/input | peak RSS MB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            string F(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "n/a";
            Console.WriteLine($"| {r.Name} | {F(r.MbPerSecond, "F1")} | {F(r.ToolMbPerSecond, "F1")} | {F(r.Seconds, "F2")} | {Mb(r.OutputBytes)} | {F(r.SizeRatio * 100, "F1")}% | {Mb(r.PeakRssBytes)} |");
        }
        Console.WriteLine();
        foreach (var ratio in ratios)
        {
            var value = ratio.Value is { } v ? $"{v:F2}x" : "n/a";
            var target = ratio.Target is { } t ? $" (target >= {t}: {(ratio.Met == true ? "met" : ratio.Met == false ? "NOT met" : "n/a")})" : "";
            Console.WriteLine($"{ratio.Name} = {value}{target}  [{ratio.Basis}]");
        }
        foreach (var r in rows.Where(r => r.Ours))
        {
            var note = memoryMode ? $" (target <= {RssTargetMb} MB on a 1 GB layer: {(r.PeakRssBytes is { } b ? (b / 1e6 <= RssTargetMb ? "met" : "NOT met") : "n/a")})" : "";
            Console.WriteLine($"peak RSS {r.Name}: {Mb(r.PeakRssBytes)} MB{note}");
        }
    }

    /// <summary>Writes the results as JSON (bench/results is git-ignored).</summary>
    public static void Save(string path, object document)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        File.WriteAllText(path, JsonSerializer.Serialize(document, options));
        Console.WriteLine($"results: {path}");
    }
}

/// <summary>Row names (also the keys the ratios look up).</summary>
internal static class Names
{
    public const string OursZstdChunked = "ours zstd:chunked (zstd 3, all cores)";
    public const string OursEStargz = "ours eStargz (gzip 6, all cores)";
    public const string ZstdCli = "zstd -3 -T2";
    public const string RefCheckZstdChunked = "oracle convert-zstdchunked";
    public const string RefCheckEStargz = "oracle convert-estargz --level 6";
}
