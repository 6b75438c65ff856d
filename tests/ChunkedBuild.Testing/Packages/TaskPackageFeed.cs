namespace ChunkedBuild.Testing.Packages;

/// <summary>
/// A local NuGet feed holding ChunkedBuild.Tasks and ChunkedBuild.Tool, packed once per test run from the already built projects
/// (<c>dotnet pack --no-build</c>, the test project's configuration) under a version no earlier run used, so NuGet's caches never
/// hand back an older package.
/// </summary>
public sealed class TaskPackageFeed : IDisposable
{
    private readonly Lazy<Task<string>> _feed;

    /// <summary>Prepares the feed; packs nothing yet.</summary>
    public TaskPackageFeed()
    {
        _feed = new(() => Task.Run(Pack), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>This run's folder (feed, isolated package folder, app copies).</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "chunkedbuild-tasks-e2e", $"{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>The package version of this run: <c>&lt;VersionPrefix&gt;-test.g&lt;12 hex digits&gt;</c>.</summary>
    public string Version { get; } = $"0.1.0-test.g{Guid.NewGuid():N}"[..24];

    /// <summary>The build configuration the tests were built in (the packed projects were built in it too).</summary>
    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The feed folder, packed on first use.</summary>
    public Task<string> FeedAsync() => _feed.Value;

    /// <summary>The isolated global packages folder restores of the sample app use.</summary>
    public string PackagesFolder => Path.Combine(Folder, "packages");

    private string Pack()
    {
        var feed = Path.Combine(Folder, "feed");
        Directory.CreateDirectory(feed);
        foreach (var project in new[] { "src/ChunkedBuild.Tasks/ChunkedBuild.Tasks.csproj", "src/ChunkedBuild.Tool/ChunkedBuild.Tool.csproj" })
        {
            var result = ProcessRunner.Run("dotnet",
                ["pack", Path.Combine(RepoPaths.Root, project), "-c", Configuration, "--no-build", "-o", feed, $"-p:Version={Version}", "-nodeReuse:false", "-v:minimal"],
                environment: new Dictionary<string, string> { ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
            if (result.ExitCode != 0) throw new InvalidOperationException($"dotnet pack {project} exited {result.ExitCode}:\n{result.StdOut}\n{result.StdErr}");
        }
        return feed;
    }

    /// <summary>Deletes <see cref="Folder"/>.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
