using ChunkedBuild.Core.IO;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary>
/// Signals and kills during real conversions (the tool as a child process, on a layer that takes seconds): SIGTERM and SIGINT end with 143
/// and 130, one line, and nothing partial anywhere (destination, TMPDIR, cache); after <c>kill -9</c> the next run removes what the dead run
/// left; a concurrent run never touches a live run's files.
/// </summary>
public sealed class InterruptionTests(SlowImage slow) : ToolTestBase, IClassFixture<SlowImage>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private string Temp => PathOf("tmp");

    private string Cache => PathOf("cache");

    private Dictionary<string, string> Environment()
    {
        Directory.CreateDirectory(Temp);
        // DOTNET_EnableDiagnostics=0: a killed .NET process leaves the runtime's own debugger pipes in TMPDIR; they are not the tool's.
        return new Dictionary<string, string> { ["TMPDIR"] = Temp, ["DOTNET_EnableDiagnostics"] = "0" };
    }

    private RunningTool StartSlowConversion(string destination) =>
        RunningTool.Start(Environment(), "convert", "oci:" + slow.Layout, "oci:" + destination, "--variant", "estargz", "--level", "9", "--no-prioritize",
            "--cache-dir", Cache);

    /// <summary>Every scratch folder of a run anywhere in the test's folder (TMPDIR, cache, beside destinations).</summary>
    private string[] ScratchFolders() =>
        Directory.GetDirectories(Folder.FullName, ScratchFolder.Prefix + "*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = true });

    /// <summary>Every file and folder under <paramref name="path"/> (hidden ones too), relative, sorted.</summary>
    private static string[] Everything(string path) =>
        Directory.Exists(path)
            ? [.. Directory.GetFileSystemEntries(path, "*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = true })
                .Select(p => Path.GetRelativePath(path, p)).Order(StringComparer.Ordinal)]
            : [];

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public void A_signal_during_convert_ends_with_its_exit_code_and_leaves_nothing_partial(string signal, int exitCode)
    {
        var destination = PathOf("out");
        using var tool = StartSlowConversion(destination);
        Assert.True(tool.WaitForLine("converting layer", Patience), tool.StdErr);

        tool.Signal(signal);
        var result = tool.WaitForExit(Patience);

        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}\n{result.StdErr}");
        Assert.Contains($"cancelled (SIG{signal})", result.StdErr);
        Assert.DoesNotContain("internal error", result.StdErr);
        Assert.Equal("", result.StdOut);
        Assert.False(Directory.Exists(destination));
        Assert.Empty(Everything(Temp));
        Assert.Equal(["layers", Path.Combine("layers", "v1")], Everything(Cache)); // the cache's folders, no entry, no partial file
        Assert.Equal(["cache", "tmp"], Everything(Folder.FullName).Where(p => !p.Contains(Path.DirectorySeparatorChar)));
    }

    [Fact]
    public void Sigterm_during_layer_convert_exits_143_and_leaves_no_output_and_no_spool()
    {
        var output = PathOf("layer.esgz");
        using var tool = RunningTool.Start(Environment(), "layer", "convert", slow.LayerTar, "-f", "estargz", "--level", "9", "-p", SlowImage.PrioritizedFile, "-o", output, "-v");
        Assert.True(tool.WaitForLine("converting", Patience), tool.StdErr);
        Thread.Sleep(300); // into the conversion itself

        tool.Signal("TERM");
        var result = tool.WaitForExit(Patience);

        Assert.True(result.ExitCode == 143, $"exit {result.ExitCode}\n{result.StdErr}");
        Assert.Contains("cancelled (SIGTERM)", result.StdErr);
        Assert.Equal(["tmp"], Everything(Folder.FullName));
    }

    [Fact]
    public void After_kill_9_the_next_run_removes_what_the_dead_run_left()
    {
        using (var tool = StartSlowConversion(PathOf("out")))
        {
            Assert.True(tool.WaitForLine("converting layer", Patience), tool.StdErr);
            tool.Signal("KILL");
            tool.WaitForExit(Patience);
        }
        // The dead run's scratch folders: in TMPDIR, in the cache and beside the destination.
        var left = ScratchFolders();
        Assert.Contains(left, f => f.StartsWith(Temp, StringComparison.Ordinal));
        Assert.Contains(left, f => f.StartsWith(Cache, StringComparison.Ordinal));
        Assert.Contains(left, f => Path.GetDirectoryName(f) == Folder.FullName);

        var next = ToolProcess.RunWith(Environment(), "convert", Path.Combine(Testing.RepoPaths.Root, "samples", "images", "hello"), "oci:" + PathOf("small"), "--cache-dir", Cache);

        Assert.True(next.ExitCode == 0, next.StdErr);
        Assert.Empty(ScratchFolders());
        Assert.Empty(Everything(Temp));
        Assert.False(Directory.Exists(PathOf("out")));
        Assert.Equal(["cache", "small", "tmp"], Everything(Folder.FullName).Where(p => !p.Contains(Path.DirectorySeparatorChar)));
    }

    [Fact]
    public void A_concurrent_run_never_touches_the_files_of_a_live_run()
    {
        using var slowRun = StartSlowConversion(PathOf("slow"));
        Assert.True(slowRun.WaitForLine("converting layer", Patience), slowRun.StdErr);
        // Paused (SIGSTOP) for as long as the other run takes: certainly alive and mid-conversion, holding its locks.
        slowRun.Signal("STOP");
        var live = ScratchFolders();
        Assert.NotEmpty(live);

        // Same TMPDIR, same cache, same destination folder: the second run removes stale scratch folders in all three, never these.
        var other = ToolProcess.RunWith(Environment(), "convert", Path.Combine(Testing.RepoPaths.Root, "samples", "images", "hello"), "oci:" + PathOf("small"), "--cache-dir", Cache);
        Assert.True(other.ExitCode == 0, other.StdErr);
        Assert.All(live, folder => Assert.True(Directory.Exists(folder), $"{folder} of the live run was removed"));

        slowRun.Signal("CONT");
        var result = slowRun.WaitForExit(Patience);
        Assert.True(result.ExitCode == 0, result.StdErr);
        ConvertedImageVerifier.Verify(PathOf("slow"), "1.0");
        Assert.Empty(ScratchFolders());
    }
}
