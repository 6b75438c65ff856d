using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Inspection;

/// <summary>The base layers the action keys its layer cache on: every manifest's layers but its top one, each once, sorted.</summary>
public sealed class BaseLayersTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-base-layers-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<IReadOnlyList<Digest>> BaseLayersOfAsync(string name, byte[] amd64App, byte[] arm64App)
    {
        var folder = Path.Combine(_root, name);
        var base0 = TestImageLayout.SampleLayers(7)[0];
        var base1 = TestImageLayout.SampleLayers(20)[1];
        TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", [base0, base1, amd64App]), new TestPlatformImage("linux", "arm64", [base0, arm64App])], ["1.0"]);
        await using var source = new ImageTransports(null, null).OpenSource("oci:" + folder);
        return BaseLayers.Of(await ImageInspector.InspectAsync(source, false, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_new_app_layer_keeps_the_base_layers_and_every_shared_base_layer_counts_once()
    {
        var first = await BaseLayersOfAsync("a", TestImageLayout.SampleLayers(7)[1], TestImageLayout.SampleLayers(8)[1]);
        var rebuilt = await BaseLayersOfAsync("b", TestImageLayout.SampleLayers(9)[1], TestImageLayout.SampleLayers(10)[1]);

        // amd64's two base layers and arm64's one, which amd64 shares: two digests, in ordinal order, none of them an app layer.
        Assert.Equal(2, first.Count);
        Assert.Equal(first.Select(d => d.ToString()).Order(StringComparer.Ordinal), first.Select(d => d.ToString()));
        Assert.Equal(first, rebuilt);
        var gzipBase = TestImageLayout.Gzip(TestImageLayout.SampleLayers(7)[0]);
        Assert.Contains(Digest.Sha256Of(gzipBase), first);
    }
}
