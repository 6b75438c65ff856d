using System.IO.Compression;
using System.Xml.Linq;
using ChunkedBuild.Testing.Packages;
using Xunit;

namespace ChunkedBuild.Tasks.Tests;

/// <summary>The packed ChunkedBuild.Tasks package: task package layout (docs/sdk-containers.md §3) and metadata.</summary>
public sealed class PackageLayoutTests(TaskPackageFeed feed)
{
    [Fact]
    public async Task Task_package_ships_the_task_its_dependencies_and_native_zstd_but_never_msbuild()
    {
        using var package = ZipFile.OpenRead(Path.Combine(await feed.FeedAsync(), $"ChunkedBuild.Tasks.{feed.Version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();

        foreach (var folder in new[] { "build", "buildTransitive" })
        {
            Assert.Contains($"{folder}/ChunkedBuild.Tasks.props", entries);
            Assert.Contains($"{folder}/ChunkedBuild.Tasks.targets", entries);
        }
        foreach (var file in new[] { "ChunkedBuild.Tasks.dll", "ChunkedBuild.Tasks.deps.json", "ChunkedBuild.Core.dll", "ZstdSharp.dll", "ZstdNet.dll",
                     "System.IO.Hashing.dll", "YamlDotNet.dll", "runtimes/linux-x64/native/libzstd.so", "runtimes/linux-arm64/native/libzstd.so",
                     "runtimes/win-x64/native/libzstd.dll", "runtimes/osx-arm64/native/libzstd.dylib" })
            Assert.Contains("tasks/net10.0/" + file, entries);
        Assert.DoesNotContain(entries, e => Path.GetFileName(e).StartsWith("Microsoft.Build", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
        Assert.Contains("README.md", entries);

        using var nuspecStream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal(feed.Version, Value("version"));
        Assert.Equal("true", Value("developmentDependency"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.NotNull(metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository"));
        Assert.Null(metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "dependencies"));
    }

    [Fact]
    public async Task Task_and_tool_packages_share_one_version()
    {
        var feedFolder = await feed.FeedAsync();
        Assert.True(File.Exists(Path.Combine(feedFolder, $"ChunkedBuild.Tool.{feed.Version}.nupkg")));
        Assert.True(File.Exists(Path.Combine(feedFolder, $"ChunkedBuild.Tasks.{feed.Version}.nupkg")));
    }

    [Fact]
    public void Registration_runs_on_the_dotnet_task_host()
    {
        var props = XDocument.Load(Path.Combine(Testing.RepoPaths.Root, "src", "ChunkedBuild.Tasks", "build", "ChunkedBuild.Tasks.props"));
        var usingTask = Assert.Single(props.Root!.Elements("UsingTask"));
        Assert.Equal("ChunkedBuild.Tasks.ConvertContainerImage", usingTask.Attribute("TaskName")?.Value);
        Assert.Equal("NET", usingTask.Attribute("Runtime")?.Value);
        Assert.EndsWith("tasks/net10.0/ChunkedBuild.Tasks.dll", props.Root.Descendants("ChunkedBuildTasksAssembly").Single().Value, StringComparison.Ordinal);
    }
}
