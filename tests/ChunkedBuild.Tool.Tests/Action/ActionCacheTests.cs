using System.Text.Json;
using ChunkedBuild.Testing.Actions;
using ChunkedBuild.Testing.Corpus;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests.Action;

/// <summary>
/// The action's <c>cache: true</c>: the converted-layer cache kept between runs of a workflow by <c>actions/cache</c> (played by
/// <see cref="FakeActionsCache"/>), keyed by the source's base layers, so a new build of the app on the same base reuses the base
/// layers' conversions while a new base misses. Each run is a fresh job: its own runner temp, workspace and tool install.
/// </summary>
[Collection(ActionCollection.Name)]
public sealed class ActionCacheTests(ActionToolFeed feed) : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("chb-action-cache-");

    private string Image(string name, byte[] baseLayer, byte[] appLayer)
    {
        var folder = Path.Combine(_folder.FullName, name);
        TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", [baseLayer, appLayer])], ["1.0"]);
        return folder;
    }

    /// <summary>Runs the action as a new job of the workflow whose cache is <paramref name="cache"/>; returns the run and per variant (converted, reused).</summary>
    private (ActionRunResult Run, Dictionary<string, (int Converted, int Reused)> Layers) Job(FakeActionsCache cache, string source, bool enableCache = true)
    {
        using var harness = new ActionHarness(feed, cache);
        var inputs = new Dictionary<string, string> { ["source"] = "oci:" + source, ["destination"] = "oci:" + Path.Combine(harness.Root, "out") };
        if (enableCache) inputs["cache"] = "true";
        var run = harness.Run(inputs);
        Assert.True(run.Succeeded, run.Log);
        if (enableCache) Assert.Contains(harness.CommandLines, c => c.Contains($" --cache-dir {Path.Combine(harness.RunnerTemp, "chunkedbuild-layer-cache")}", StringComparison.Ordinal));
        else Assert.DoesNotContain(harness.CommandLines, c => c.Contains("--cache-dir", StringComparison.Ordinal));
        ConvertedImageVerifier.Verify(Path.Combine(harness.Root, "out"), "1.0");
        using var json = JsonDocument.Parse(run.Outputs["result"]);
        var layers = json.RootElement.GetProperty("variants").EnumerateArray()
            .ToDictionary(v => v.GetProperty("variant").GetString()!, v => (v.GetProperty("converted").GetInt32(), v.GetProperty("reused").GetInt32()));
        return (run, layers);
    }

    [Fact]
    public void A_new_app_on_the_same_base_reuses_the_cached_base_layers_and_a_new_base_misses()
    {
        var cache = new FakeActionsCache(Path.Combine(_folder.FullName, "cache-service"));
        var baseA = TestImageLayout.SampleLayers(21)[0];
        var baseB = TestImageLayout.Tar(TarSpec.Of(TarSpec.Dir("etc/"), TarSpec.File("etc/os-release", "ID=another-base\n")));
        var (app1, app2) = (TestImageLayout.SampleLayers(23)[1], TestImageLayout.SampleLayers(24)[1]);

        // First run: nothing cached; both layers converted in both variants, the cache saved after the last step.
        var first = Job(cache, Image("v1", baseA, app1));
        Assert.Contains("Cache not found for input keys: chunkedbuild-layers-Linux-", first.Run.Log);
        Assert.All(first.Layers.Values, l => Assert.Equal((2, 0), l));
        var key = Assert.Single(cache.Keys);
        Assert.Equal("false", first.Run.StepOutputs["layer-cache"]["cache-hit"]);

        // Same base, new app: the key hits, the base layer comes from the restored cache, only the app layer is converted.
        var second = Job(cache, Image("v2", baseA, app2));
        Assert.Contains($"Cache restored from key: {key}", second.Run.Log);
        Assert.Equal("true", second.Run.StepOutputs["layer-cache"]["cache-hit"]);
        Assert.All(second.Layers.Values, l => Assert.Equal((1, 1), l));
        Assert.Equal([key], cache.Keys);

        // A new base: another key, a miss, everything converted, a second entry saved.
        var third = Job(cache, Image("rebased", baseB, app2));
        Assert.Contains("Cache not found for input keys: ", third.Run.Log);
        Assert.All(third.Layers.Values, l => Assert.Equal((2, 0), l));
        Assert.Equal(2, cache.Keys.Count);
        Assert.NotEqual(key, cache.Keys[1]);

        // Off by default: the key and cache steps are skipped and nothing is saved.
        var plain = Job(cache, Image("plain", baseB, app1), enableCache: false);
        Assert.Contains("Skipped Cache key", plain.Run.Log);
        Assert.Contains("Skipped Restore the converted-layer cache", plain.Run.Log);
        Assert.Equal(2, cache.Keys.Count);
    }

    public void Dispose()
    {
        try { _folder.Delete(recursive: true); } catch (IOException) { }
    }
}
