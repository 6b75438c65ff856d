using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Conversion.Planning;

/// <summary>
/// Which files an app reads before it starts, for Inspection's <c>StartupCostEstimator</c>: inferred (<c>auto</c>, the planner's .NET inference), or a
/// file: a prioritization manifest (YAML whose first key is <c>version</c>) or an access record (stargz-snapshotter JSON lines or a path list).
/// </summary>
/// <param name="Mode"><see cref="PrioritizationMode.Auto"/>, <see cref="PrioritizationMode.Manifest"/> or <see cref="PrioritizationMode.Record"/>.</param>
/// <param name="File">The manifest or record file (null for auto).</param>
public sealed record StartupList(PrioritizationMode Mode, string? File)
{
    /// <summary>Inferred from the image.</summary>
    public static StartupList Auto { get; } = new(PrioritizationMode.Auto, null);

    /// <summary>
    /// <c>auto</c>, or a file path: a manifest when its first line that is neither blank nor a <c>#</c> comment starts with <c>version:</c>,
    /// else an access record. CHB9001 for a missing value, CHB9002 when the file cannot be read.
    /// </summary>
    public static StartupList Parse(string value)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new ChunkedBuildException(ErrorCodes.InvalidOption, "--startup needs 'auto' or a file");
        if (value == "auto") return Auto;
        string text;
        try
        {
            text = System.IO.File.ReadAllText(value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot read the startup list '{value}': {e.Message}", innerException: e);
        }
        var first = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#')) ?? "";
        return new StartupList(first.StartsWith("version:", StringComparison.Ordinal) ? PrioritizationMode.Manifest : PrioritizationMode.Record, value);
    }
}
