using System.Text.Json;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary>The registry check at the edge: in the summary and the JSON of a push, and alone with <c>inspect --registry-check</c>.</summary>
public sealed class RegistryCheckCliTests : ToolTestBase
{
    private static string HelloSample => Path.Combine(RepoPaths.Root, "samples", "images", "hello");

    [Fact]
    public void A_push_reports_the_registry_check_and_inspect_registry_check_runs_it_alone()
    {
        Assert.SkipUnless(LocalRegistry.IsAvailable, "docker-registry is not installed");
        using var registry = LocalRegistry.Start();

        var push = ToolProcess.Run("convert", HelloSample, $"docker://{registry.Host}/ci/hello:1", "--no-cache", "--no-registry-cache");
        Assert.True(push.ExitCode == 0, push.StdErr + registry.Log);
        Assert.Contains($"registry check of {registry.Host}/ci/hello", push.StdOut);
        Assert.Contains("estargz lazy pulls: will work", push.StdOut);
        Assert.Contains("zstd-chunked partial pulls: will work", push.StdOut);
        Assert.DoesNotContain("CHB4011", push.StdErr);

        var json = ToolProcess.Run("convert", HelloSample, $"docker://{registry.Host}/ci/hello:2", "--no-cache", "--no-registry-cache", "--json");
        Assert.True(json.ExitCode == 0, json.StdErr);
        using (var doc = JsonDocument.Parse(json.StdOut))
        {
            var check = doc.RootElement.GetProperty("registryCheck");
            Assert.Equal((true, 206), (check.GetProperty("multi").GetProperty("works").GetBoolean(), check.GetProperty("multi").GetProperty("status").GetInt32()));
            Assert.Equal(["estargz:lazy:True", "zstd-chunked:partial:True"],
                check.GetProperty("variants").EnumerateArray().Select(v => $"{v.GetProperty("variant").GetString()}:{v.GetProperty("pull").GetString()}:{v.GetProperty("works").GetBoolean()}"));
        }

        var alone = ToolProcess.Run("inspect", $"docker://{registry.Host}/ci/hello:1", "--registry-check", "--json");
        Assert.True(alone.ExitCode == 0, alone.StdErr);
        using (var doc = JsonDocument.Parse(alone.StdOut))
        {
            var check = doc.RootElement.GetProperty("registryCheck");
            Assert.Equal("206 with the right bytes", check.GetProperty("single").GetProperty("detail").GetString());
            Assert.Equal(2, check.GetProperty("variants").GetArrayLength());
        }

        var local = ToolProcess.Run("inspect", "oci:" + HelloSample, "--registry-check");
        Assert.NotEqual(0, local.ExitCode);
        Assert.Contains("--registry-check needs a registry image", local.StdErr);
    }
}
