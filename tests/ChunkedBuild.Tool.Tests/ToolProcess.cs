using ChunkedBuild.Testing;

namespace ChunkedBuild.Tool.Tests;

/// <summary>Runs the built tool (<c>dotnet-chunked.dll</c>, copied next to the test assembly) as a child process.</summary>
internal static class ToolProcess
{
    /// <summary>The tool assembly of the referenced project.</summary>
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "dotnet-chunked.dll");

    /// <summary>The bundled sample layer.</summary>
    public static string SampleTar { get; } = Path.Combine(RepoPaths.Root, "samples", "layers", "sample.tar");

    /// <summary>Runs <c>dotnet dotnet-chunked.dll args…</c> with CI set (no terminal progress line).</summary>
    public static ProcessResult Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    /// <summary>Runs the tool with extra environment variables (on top of <c>CI</c> set and <c>CHUNKEDBUILD_DEBUG</c> cleared).</summary>
    public static ProcessResult RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var all = new Dictionary<string, string> { ["CI"] = "true", ["CHUNKEDBUILD_DEBUG"] = "" };
        foreach (var (name, value) in environment) all[name] = value;
        return ProcessRunner.Run("dotnet", [Dll, .. args], environment: all);
    }
}
