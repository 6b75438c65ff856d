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
    public static ProcessResult Run(params string[] args) => ProcessRunner.Run("dotnet", [Dll, .. args],
        environment: new Dictionary<string, string> { ["CI"] = "true", ["CHUNKEDBUILD_DEBUG"] = "" });
}
