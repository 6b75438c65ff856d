using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ChunkedBuild.Bench;

/// <summary>
/// The tool as users run it: <c>dotnet publish</c> of ChunkedBuild.Tool for this machine's RID (ReadyToRun, framework-dependent:
/// the contents of the RID-specific tool package) into the bench's work folder, or the <c>dotnet-chunked.dll</c> given with
/// <c>--tool</c>.
/// </summary>
internal static class PublishedTool
{
    /// <summary>Publishes the tool into <paramref name="folder"/> and returns the path of <c>dotnet-chunked.dll</c>.</summary>
    public static string Publish(string folder)
    {
        var project = Path.Combine(BenchOptions.RepoRoot(), "src", "ChunkedBuild.Tool", "ChunkedBuild.Tool.csproj");
        var output = Path.Combine(folder, "tool");
        Console.WriteLine($"publishing the tool ({RuntimeInformation.RuntimeIdentifier}, ReadyToRun) into {output}…");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-o", output, "-nologo", "-v:q" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet publish");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var dll = Path.Combine(output, "dotnet-chunked.dll");
        if (p.ExitCode != 0 || !File.Exists(dll)) throw new InvalidOperationException($"dotnet publish of the tool failed ({p.ExitCode}):\n{stdout.Result}{stderr.Result}");
        return dll;
    }
}
