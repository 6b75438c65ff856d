using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ChunkedBuild.Bench;

/// <summary>
/// The tool as users run it: <c>dotnet publish</c> of ChunkedBuild.Tool for this machine's RID into the bench's work folder — what the
/// RID-specific tool package for this machine holds: the Native AOT executable (the project compiles a publish for the machine's own RID
/// ahead of time), or the ReadyToRun <c>dotnet-chunked.dll</c> where Native AOT is not used — or the <c>dotnet-chunked.dll</c> or
/// executable given with <c>--tool</c>.
/// </summary>
internal static class PublishedTool
{
    /// <summary>Publishes the tool into <paramref name="folder"/> and returns the path of the native executable, else of <c>dotnet-chunked.dll</c>.</summary>
    public static string Publish(string folder)
    {
        var project = Path.Combine(BenchOptions.RepoRoot(), "src", "ChunkedBuild.Tool", "ChunkedBuild.Tool.csproj");
        var output = Path.Combine(folder, "tool");
        Console.WriteLine($"publishing the tool ({RuntimeInformation.RuntimeIdentifier}, as its RID package holds it) into {output}…");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-o", output, "-nologo", "-v:q" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet publish");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var dll = Path.Combine(output, "dotnet-chunked.dll");
        var native = Path.Combine(output, OperatingSystem.IsWindows() ? "dotnet-chunked.exe" : "dotnet-chunked");
        var tool = File.Exists(dll) ? dll : native;
        if (p.ExitCode != 0 || !File.Exists(tool)) throw new InvalidOperationException($"dotnet publish of the tool failed ({p.ExitCode}):\n{stdout.Result}{stderr.Result}");
        Console.WriteLine(tool == dll ? "  ReadyToRun, run with dotnet" : "  Native AOT executable");
        return tool;
    }

    /// <summary>The program and leading arguments that run <paramref name="tool"/>: <c>dotnet</c> for a <c>.dll</c>, else the executable itself.</summary>
    public static (string Program, string[] Arguments) Command(string tool) =>
        tool.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", [tool]) : (tool, []);
}
