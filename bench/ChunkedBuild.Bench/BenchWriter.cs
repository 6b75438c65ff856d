namespace ChunkedBuild.Bench;

/// <summary>One converter the benchmark times: ours (the published tool, run as a user runs it) or a reference program.</summary>
/// <param name="Name">The row name in the table and the JSON.</param>
/// <param name="IsOurs">True for our writers.</param>
/// <param name="Program">The executable; null when it is not available (the row then says n/a).</param>
/// <param name="Arguments">Builds the arguments from the input and output paths.</param>
/// <param name="Unavailable">Why the program is missing, when it is.</param>
internal sealed record BenchWriter(string Name, bool IsOurs, string? Program, Func<string, string, IReadOnlyList<string>> Arguments, string? Unavailable = null)
{
    /// <summary>The files (or folders) whose sizes add up to the output; by default the output path itself.</summary>
    public Func<string, IReadOnlyList<string>> OutputFiles { get; init; } = output => [output];

    /// <summary>
    /// Our writer <paramref name="format"/> at <paramref name="level"/>: <c>layer convert</c> of the tool as its RID package holds it
    /// (<see cref="PublishedTool"/>: the Native AOT executable, or <c>dotnet dotnet-chunked.dll</c>), so start-up is what a user's run has.
    /// </summary>
    public static BenchWriter Ours(string name, string tool, string format, int level)
    {
        var (program, leading) = PublishedTool.Command(tool);
        return new(name, true, program, (input, output) =>
            [.. leading, "layer", "convert", input, "-f", format, "-o", output, "--level", level.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    }

    /// <summary>A reference program, or an n/a row when <paramref name="program"/> is null.</summary>
    public static BenchWriter Reference(string name, string? program, string? unavailable, Func<string, string, IReadOnlyList<string>> arguments) =>
        new(name, false, program, arguments, program is null ? unavailable ?? "not installed" : null);
}
