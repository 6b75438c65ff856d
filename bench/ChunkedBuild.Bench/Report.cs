using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChunkedBuild.Bench;

/// <summary>A ratio between two rows and the target it is stated against.</summary>
/// <param name="Name">What is compared.</param>
/// <param name="Value">ours / reference, null when a row is n/a.</param>
/// <param name="Target">The target, when there is one: at least (throughput) or at most (<paramref name="AtMost"/>, size).</param>
/// <param name="Basis">Which figures were divided.</param>
/// <param name="AtMost">True when the target is an upper bound.</param>
internal sealed record Ratio(string Name, double? Value, double? Target, string Basis, bool AtMost = false)
{
    /// <summary>True/false when both the value and the target are known.</summary>
    [JsonInclude]
    public bool? Met => Value is { } v && Target is { } t ? (AtMost ? v <= t : v >= t) : null;
}

/// <summary>Prints the table and ratios and writes the JSON results.</summary>
internal static class Report
{
    /// <summary>Peak RSS target of both writers on a 1 GB layer.</summary>
    public const double RssTargetMb = 300;

    /// <summary>Bytes as MB (10^6) with no decimals, or n/a.</summary>
    public static string Mb(long? bytes) => bytes is { } b ? (b / 1e6).ToString("F0", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>
    /// The ratios the targets are stated in (issue 15), wall to wall: ours include the .NET start as a user's run does. With one
    /// core busy (<paramref name="loaded"/>) the throughput targets are lower; the size target is the same.
    /// </summary>
    public static List<Ratio> Ratios(IReadOnlyList<WriterResult> rows, bool loaded)
    {
        WriterResult? Row(string name) => rows.FirstOrDefault(r => r.Name == name && r.Available);
        double? Divide(double? a, double? b) => a is { } x && b is > 0 ? x / b : null;
        double? Speed(string ours, string reference) => Divide(Row(ours)?.MbPerSecond, Row(reference)?.MbPerSecond);
        const string wall = "wall MB/s over wall MB/s";
        return
        [
            new("ours zstd:chunked / zstd -3 -T2", Speed(Names.OursZstdChunked, Names.ZstdCli), loaded ? 0.6 : 0.7, wall),
            new("ours eStargz / libdeflate-gzip -6 on both halves at once", Speed(Names.OursEStargz, Names.LibDeflateTwoCores), loaded ? 0.7 : 0.8, wall),
            new("ours eStargz size / libdeflate-gzip -6 size (both halves)", Divide(Row(Names.OursEStargz)?.OutputBytes, Row(Names.LibDeflateTwoCores)?.OutputBytes),
                1.02, "output bytes over output bytes", AtMost: true),
            new("ours eStargz / libdeflate-gzip -6 (one core)", Speed(Names.OursEStargz, Names.LibDeflateOneCore), null, wall),
            new("ours eStargz / pigz -6 -p2", Speed(Names.OursEStargz, Names.Pigz), null, wall),
            new("ours eStargz / oracle eStargz gzip-6", Speed(Names.OursEStargz, Names.RefCheckEStargz), null, wall + " (the oracle's wall includes its post-pass)"),
            new("ours zstd:chunked / skopeo zstd:chunked", Speed(Names.OursZstdChunked, Names.Skopeo), null, wall),
            new("ours zstd:chunked / oracle zstdchunked (stargz-snapshotter)", Speed(Names.OursZstdChunked, Names.RefCheckZstdChunked), null, wall),
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
            Console.WriteLine($"| {r.Name} | {F(r.MbPerSecond, "F1")} | {F(r.ToolMbPerSecond, "F1")} | {F(r.Seconds, "F2")} | {F(r.OutputBytes / 1e6, "F2")} | {F(r.SizeRatio * 100, "F1")}% | {Mb(r.PeakRssBytes)} |");
        }
        Console.WriteLine();
        foreach (var ratio in ratios)
        {
            var value = ratio.Value is { } v ? $"{v:F2}x" : "n/a";
            var target = ratio.Target is { } t ? $" (target {(ratio.AtMost ? "<=" : ">=")} {t}: {(ratio.Met == true ? "met" : ratio.Met == false ? "NOT met" : "n/a")})" : "";
            Console.WriteLine($"{ratio.Name} = {value}{target}  [{ratio.Basis}]");
        }
        foreach (var r in rows.Where(r => r.Ours))
        {
            var note = memoryMode ? $" (target <= {RssTargetMb} MB on a 1 GB layer: {(r.PeakRssBytes is { } b ? (b / 1e6 <= RssTargetMb ? "met" : "NOT met") : "n/a")})" : "";
            Console.WriteLine($"peak RSS {r.Name}: {Mb(r.PeakRssBytes)} MB{note}; output {r.OutputSha256 ?? "n/a"}");
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
    public const string OursZstdChunked = "ours zstd:chunked (dotnet chunked, zstd 3)";
    public const string OursEStargz = "ours eStargz (dotnet chunked, gzip 6)";
    public const string ZstdCli = "zstd -3 -T2";
    public const string LibDeflateTwoCores = "libdeflate-gzip -6, both halves at once";
    public const string LibDeflateOneCore = "libdeflate-gzip -6 (one core)";
    public const string Pigz = "pigz -6 -p2";
    public const string Skopeo = "skopeo zstd:chunked (level 3)";
    public const string RefCheckZstdChunked = "oracle convert-zstdchunked";
    public const string RefCheckEStargz = "oracle convert-estargz --level 6";
}
