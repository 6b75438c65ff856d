using System.Text.Json.Serialization;

namespace ChunkedBuild.Bench;

/// <summary>The reported figures of one writer (null fields: not measured or not available).</summary>
/// <param name="Name">Row name.</param>
/// <param name="Ours">True for our writers.</param>
/// <param name="Available">False when the program is missing (the row shows n/a).</param>
/// <param name="Note">Why it is unavailable or failed.</param>
/// <param name="InputBytes">Input tar size.</param>
/// <param name="Seconds">Best wall-clock seconds.</param>
/// <param name="OutputBytes">Output size of the best run.</param>
/// <param name="PeakRssBytes">Largest peak RSS over the runs.</param>
/// <param name="ToolSeconds">The program's own conversion time of its best run (the oracle).</param>
/// <param name="ToolMbPerSecond">The program's own best throughput figure (the oracle), MB/s.</param>
/// <param name="Runs">Timed runs.</param>
internal sealed record WriterResult(string Name, bool Ours, bool Available, string? Note, long InputBytes, double? Seconds, long? OutputBytes,
    long? PeakRssBytes, double? ToolSeconds, double? ToolMbPerSecond, int Runs)
{
    /// <summary>Input MB (10^6 bytes, like the oracle) per wall second.</summary>
    [JsonInclude]
    public double? MbPerSecond => Seconds is > 0 ? InputBytes / 1e6 / Seconds : null;

    /// <summary>sha256 of the output (our writers only; the bytes are the same in every run).</summary>
    public string? OutputSha256 { get; init; }

    /// <summary>Output size as a fraction of the input.</summary>
    [JsonInclude]
    public double? SizeRatio => OutputBytes is { } o && InputBytes > 0 ? (double)o / InputBytes : null;

    /// <summary>An n/a row.</summary>
    public static WriterResult NotAvailable(string name, bool ours, long inputBytes, string note) =>
        new(name, ours, false, note, inputBytes, null, null, null, null, null, 0);
}
