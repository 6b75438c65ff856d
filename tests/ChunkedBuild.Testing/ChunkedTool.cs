namespace ChunkedBuild.Testing;

/// <summary>
/// Runs the built <c>dotnet chunked</c> tool (src/ChunkedBuild.Tool, same configuration as the running tests) as a child process, as
/// users run it. Test projects that use it reference the Tool project with <c>ReferenceOutputAssembly="false"</c> so it is built first.
/// </summary>
public static class ChunkedTool
{
    /// <summary>The tool's entry assembly.</summary>
    public static string Dll { get; } = Locate();

    /// <summary>Runs <c>dotnet-chunked.dll</c> with <paramref name="args"/> (CI=true: plain log lines, no progress bars).</summary>
    public static ProcessResult Run(params string[] args) => ProcessRunner.Run("dotnet", [Dll, .. args],
        environment: new Dictionary<string, string> { ["CI"] = "true", ["CHUNKEDBUILD_DEBUG"] = "" });

    private static string Locate()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(RepoPaths.Root, "src", "ChunkedBuild.Tool", "bin", configuration, "net10.0", "dotnet-chunked.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"the tool is not built at {path} (reference src/ChunkedBuild.Tool from the test project)");
    }
}
