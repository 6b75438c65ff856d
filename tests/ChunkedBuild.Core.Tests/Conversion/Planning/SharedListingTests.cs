using System.Collections.Concurrent;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion.Planning;

/// <summary>
/// The prioritization planner's listings come from the tar the zstd:chunked conversion reads anyway (the transcoder tees it; the formats
/// know nothing of it): a cold conversion of both variants opens each source layer once per variant, never a third time to list it, and the
/// eStargz variant is byte for byte the one planned from listings of its own.
/// </summary>
public sealed class SharedListingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-listing-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Each_layer_is_opened_once_per_variant_and_the_eStargz_variant_equals_the_one_planned_alone()
    {
        var layout = Path.Combine(_root, "src");
        TestImageLayout.WriteLayout(layout, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(9))], ["1"]);
        var prioritize = Path.Combine(_root, "chunked.prioritize.yaml");
        File.WriteAllText(prioritize, "version: 1\nfiles:\n  - /app/hello.runtimeconfig.json\n  - /app/*.dll\n");
        var request = new ConversionRequest { TempDirectory = Path.GetTempPath(), Prioritization = PrioritizationMode.Manifest, PrioritizationFile = prioritize };

        var opened = new ConcurrentDictionary<Digest, int>();
        var both = await ConvertAsync(layout, "both", request, opened);
        var layers = new OciLayoutReader(layout).ReadDocument<Manifest>(new OciLayoutReader(layout).Resolve("1")).Value.Layers;
        Assert.All(layers, layer => Assert.Equal(2, opened.GetValueOrDefault(layer.Digest)));

        var alone = await ConvertAsync(layout, "alone", request with { Variants = [LayerVariant.EStargz] }, new ConcurrentDictionary<Digest, int>());
        Assert.Equal(Manifests(alone, "p").First(), Manifests(both, "p").First());
    }

    private async Task<string> ConvertAsync(string layout, string name, ConversionRequest request, ConcurrentDictionary<Digest, int> opened)
    {
        var output = Path.Combine(_root, name);
        var transports = new ImageTransports(null, null);
        await using var source = new CountingSource(transports.OpenSource("oci:" + layout), opened);
        await using var sink = transports.OpenSink("oci:" + output + ":p", out var tag);
        await new ImageConverter(request with { Tags = [tag!] }).ConvertAsync(source, sink, TestContext.Current.CancellationToken);
        return output;
    }

    private static List<Descriptor> Manifests(string layout, string tag)
    {
        var reader = new OciLayoutReader(layout);
        return [.. ConvertedImageVerifier.Manifests(reader, reader.Resolve(tag))];
    }

    /// <summary>Counts how often each blob is opened whole.</summary>
    private sealed class CountingSource(IImageSource inner, ConcurrentDictionary<Digest, int> opened) : IImageSource
    {
        public string DisplayName => inner.DisplayName;

        public Task<IReadOnlyList<SourceImage>> ResolveAsync(CancellationToken cancellationToken = default) => inner.ResolveAsync(cancellationToken);

        public Task<byte[]> ReadBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default) => inner.ReadBlobAsync(descriptor, cancellationToken);

        public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
        {
            opened.AddOrUpdate(descriptor.Digest, 1, (_, n) => n + 1);
            return inner.OpenBlobAsync(descriptor, cancellationToken);
        }

        public Task<IReadOnlyList<Descriptor>> ReferrersAsync(Digest subject, string? artifactType, CancellationToken cancellationToken = default) =>
            inner.ReferrersAsync(subject, artifactType, cancellationToken);

        public Task<byte[]> ReadBlobRangeAsync(Descriptor descriptor, long offset, int length, CancellationToken cancellationToken = default) =>
            inner.ReadBlobRangeAsync(descriptor, offset, length, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
