using System.Text.Json;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary><c>convert</c> with the registry cache, as a CI job runs it: two fresh runners (two empty local caches) pushing to one registry.</summary>
public sealed class RegistryCacheCliTests : ToolTestBase
{
    private static string HelloSample => Path.Combine(RepoPaths.Root, "samples", "images", "hello");

    [Fact]
    public void A_second_runner_reuses_every_conversion_the_first_recorded_and_says_so_in_the_summary_and_the_json()
    {
        Assert.SkipUnless(LocalRegistry.IsAvailable, "docker-registry is not installed");
        using var registry = LocalRegistry.Start();

        var first = ToolProcess.Run("convert", HelloSample, $"docker://{registry.Host}/ci/hello:1", "--cache-dir", PathOf("runner-1"), "--json");
        Assert.True(first.ExitCode == 0, first.StdErr + registry.Log);
        using (var json = JsonDocument.Parse(first.StdOut))
        {
            var cache = json.RootElement.GetProperty("registryCache");
            Assert.Equal((0, 4, 0, 4), (cache.GetProperty("hits").GetInt32(), cache.GetProperty("misses").GetInt32(), cache.GetProperty("rejected").GetInt32(),
                cache.GetProperty("recorded").GetInt32()));
            Assert.Equal($"{registry.Host}/ci/hello:chunkedbuild-cache", cache.GetProperty("recordedTo").GetString());
        }

        var second = ToolProcess.Run("convert", HelloSample, $"docker://{registry.Host}/ci/hello:2", "--cache-dir", PathOf("runner-2"));
        Assert.True(second.ExitCode == 0, second.StdErr);
        Assert.Contains("registry cache: 4 hit(s), 0 miss(es), 0 rejected", second.StdOut);
        var estargzRow = second.StdOut.Split('\n').Single(l => l.StartsWith("estargz", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["0", "0", "2", "0"], estargzRow[^4..]); // converted, reused, shared, kept

        var json2 = ToolProcess.Run("convert", HelloSample, $"docker://{registry.Host}/ci/hello:3", "--cache-dir", PathOf("runner-3"), "--json");
        using var doc = JsonDocument.Parse(json2.StdOut);
        Assert.All(doc.RootElement.GetProperty("variants").EnumerateArray(), v => Assert.Equal(2, v.GetProperty("shared").GetInt32()));
        Assert.All(doc.RootElement.GetProperty("variants").EnumerateArray().SelectMany(v => v.GetProperty("manifests")[0].GetProperty("layers").EnumerateArray()),
            l => Assert.Equal("registrycached", l.GetProperty("outcome").GetString()));
    }

    [Fact]
    public void No_registry_cache_reports_null_and_cannot_go_with_cache_to()
    {
        var usage = ToolProcess.Run("convert", HelloSample, "oci:" + PathOf("out"), "--no-registry-cache", "--cache-to", "127.0.0.1:1/x");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("--no-registry-cache cannot go with --cache-to or --cache-from", usage.StdErr);

        var off = ToolProcess.Run("convert", HelloSample, "oci:" + PathOf("out"), "--no-cache", "--no-registry-cache", "--json");
        Assert.True(off.ExitCode == 0, off.StdErr);
        using var json = JsonDocument.Parse(off.StdOut);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("registryCache").ValueKind);
    }
}
