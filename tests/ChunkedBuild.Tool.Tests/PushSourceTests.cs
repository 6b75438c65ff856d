using System.Text.Json;
using ChunkedBuild.Testing.Oci;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary><c>push</c> is an image copy from any source convert reads (here a registry) through the same sinks, not a layout walk of its own.</summary>
public sealed class PushSourceTests : ToolTestBase
{
    [Fact]
    public void Pushes_from_a_registry_source_mounting_the_blobs_of_the_same_registry()
    {
        Assert.SkipUnless(LocalRegistry.IsAvailable, "docker-registry is not installed");
        using var registry = LocalRegistry.Start();
        var layers = TestImageLayout.SampleLayers(3);
        var root = TestImageLayout.WriteLayout(PathOf("layout"), [new TestPlatformImage("linux", "amd64", layers)], ["1.0"]);
        var first = ToolProcess.Run("push", $"oci:{PathOf("layout")}:1.0", $"docker://{registry.Host}/one/app:1.0");
        Assert.True(first.ExitCode == 0, first.StdErr + registry.Log);

        var copy = ToolProcess.Run("push", $"docker://{registry.Host}/one/app:1.0", $"docker://{registry.Host}/two/app:2.0", "--json");

        Assert.True(copy.ExitCode == 0, copy.StdErr + registry.Log);
        using var json = JsonDocument.Parse(copy.StdOut);
        Assert.Equal(root.Digest.ToString(), json.RootElement.GetProperty("digest").GetString());
        Assert.Equal(layers.Count + 1, json.RootElement.GetProperty("blobsMounted").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("bytesUploaded").GetInt64());
        var again = ToolProcess.Run("inspect", $"docker://{registry.Host}/two/app:2.0", "--json");
        Assert.True(again.ExitCode == 0, again.StdErr);
    }
}
