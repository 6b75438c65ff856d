using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Tool.Tests.Action;

/// <summary>
/// ChunkedBuild.Tool packed once per test run (from the build the tests already made, <c>--no-build</c>) into a local
/// feed folder, under a version no other run used, so NuGet's caches can never hand back an older package.
/// </summary>
public sealed class ActionToolFeed : IDisposable
{
    /// <summary>Packs the tool.</summary>
    public ActionToolFeed()
    {
        Root = Directory.CreateTempSubdirectory("chb-action-feed-").FullName;
        Version = $"0.0.0-action.{Guid.NewGuid():N}"[..32];
        var project = Path.Combine(RepoPaths.Root, "src", "ChunkedBuild.Tool", "ChunkedBuild.Tool.csproj");
        var pack = ProcessRunner.Run("dotnet",
            ["pack", project, "-c", Configuration, "--no-build", "-o", Feed, $"-p:Version={Version}", $"-p:NuspecOutputPath={Path.Combine(Root, "nuspec")}", "-nologo"]);
        if (pack.ExitCode != 0) throw new InvalidOperationException($"dotnet pack failed ({pack.ExitCode}):\n{pack.StdOut}\n{pack.StdErr}");
        if (!File.Exists(Path.Combine(Feed, $"ChunkedBuild.Tool.{Version}.nupkg"))) throw new InvalidOperationException($"no package in {Feed}:\n{pack.StdOut}");
    }

    /// <summary>The fixture's temporary folder.</summary>
    public string Root { get; }

    /// <summary>The feed folder holding <c>ChunkedBuild.Tool.&lt;Version&gt;.nupkg</c>.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The package version, unique to this run.</summary>
    public string Version { get; }

    /// <summary>The build configuration of the tests (and so of the referenced tool): the folder above <c>net10.0/</c>.</summary>
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <inheritdoc />
    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The action tests share one packed tool and run one at a time (each installs and runs the real tool).</summary>
[CollectionDefinition(Name)]
public sealed class ActionCollection : ICollectionFixture<ActionToolFeed>
{
    /// <summary>The collection name.</summary>
    public const string Name = "action";
}
