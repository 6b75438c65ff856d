namespace ChunkedBuild.Bench;

/// <summary>One converter the benchmark times: ours (run as a child of this program) or a reference program.</summary>
/// <param name="Name">The row name in the table and the JSON.</param>
/// <param name="IsOurs">True for our writers.</param>
/// <param name="Program">The executable; null when it is not available (the row then says n/a).</param>
/// <param name="Arguments">Builds the arguments from the input and output paths.</param>
/// <param name="Unavailable">Why the program is missing, when it is.</param>
internal sealed record BenchWriter(string Name, bool IsOurs, string? Program, Func<string, string, IReadOnlyList<string>> Arguments, string? Unavailable = null)
{
    /// <summary>Our writer <paramref name="format"/> at <paramref name="level"/>, in a child process of this program.</summary>
    public static BenchWriter Ours(string name, string format, int level) =>
        new(name, true, "dotnet", (input, output) => [typeof(BenchWriter).Assembly.Location, "--child", format, input, output, level.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    /// <summary>A reference program, or an n/a row when <paramref name="program"/> is null.</summary>
    public static BenchWriter Reference(string name, string? program, string? unavailable, Func<string, string, IReadOnlyList<string>> arguments) =>
        new(name, false, program, arguments, program is null ? unavailable ?? "not installed" : null);
}
