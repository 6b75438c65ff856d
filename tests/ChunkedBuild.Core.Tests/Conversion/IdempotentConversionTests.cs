using ChunkedBuild.Core.Conversion.Settings;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion;

/// <summary>
/// Converting what the tool wrote gives what the tool wrote: the variants already there pass through (no manifest is doubled, no
/// zstd:chunked is made from eStargz layers), whether the output is one index per tag, one tag per variant, or an archive converted in place.
/// </summary>
public sealed class IdempotentConversionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-idempotent-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string MultiPlatformLayout()
    {
        var folder = Path.Combine(_root, "src");
        var shared = TestImageLayout.SampleLayers(31);
        TestImageLayout.WriteLayout(folder,
        [
            new TestPlatformImage("linux", "amd64", shared),
            new TestPlatformImage("linux", "arm64", [shared[0], TestImageLayout.SampleLayers(32)[1]]),
        ], ["1.0", "latest"]);
        return folder;
    }

    private async Task<ConversionResult> ConvertAsync(string source, string destination, ConversionRequest? request = null)
    {
        var transports = new ImageTransports(null, null);
        await using var src = transports.OpenSource(source);
        await using var sink = transports.OpenSink(destination, out var tag, source: source);
        request ??= new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = Path.Combine(_root, "cache") };
        if (tag is not null) request = request with { Tags = [tag] };
        return await new ImageConverter(request).ConvertAsync(src, sink, TestContext.Current.CancellationToken);
    }

    private static ImageIndex Index(string layout, string tag)
    {
        var reader = new OciLayoutReader(layout);
        return reader.ReadDocument<ImageIndex>(reader.Resolve(tag)).Value;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Converting_the_tools_own_output_gives_the_same_index(bool keepOriginal)
    {
        var request = new ConversionRequest
        {
            TempDirectory = Path.GetTempPath(),
            CacheDirectory = Path.Combine(_root, "cache"),
            Variants = keepOriginal ? [LayerVariant.EStargz, LayerVariant.Original, LayerVariant.ZstdChunked] : LayerVariants.Default,
        };
        var first = Path.Combine(_root, "first");
        var once = await ConvertAsync("oci:" + MultiPlatformLayout(), "oci:" + first, request);
        // No cache the second time: nothing may be converted at all, every variant is already there.
        var twice = await ConvertAsync("oci:" + first, "oci:" + Path.Combine(_root, "second"), request with { CacheDirectory = null });

        Assert.Equal(once.Tags.Select(t => (t.Tag, t.Descriptor.Digest)), twice.Tags.Select(t => (t.Tag, t.Descriptor.Digest)));
        var index = Index(Path.Combine(_root, "second"), "1.0");
        Assert.Equal(keepOriginal ? 6 : 4, index.Manifests.Count);
        Assert.All(twice.Variants, v =>
        {
            Assert.Equal(2, v.Manifests.Count); // two platforms, as in the source
            Assert.Equal(0, v.Converted);
        });
        // zstd:chunked manifests hold zstd:chunked layers only, never eStargz layers turned into zstd:chunked.
        var layers = ConvertedImageVerifier.Verify(Path.Combine(_root, "second"), "1.0");
        Assert.Equal(TestImageLayout.SampleLayers(31).Concat([TestImageLayout.SampleLayers(32)[1]]).Select(t => Digest.Sha256Of(t).ToString()).Order(StringComparer.Ordinal),
            layers.Where(l => l.Kind == "zstd:chunked").Select(l => l.DiffId.ToString()).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_archive_converted_in_place_twice_keeps_its_index()
    {
        var archive = Path.Combine(_root, "app.tar.gz");
        TestImageLayout.WriteDockerArchive(archive, new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(33)), ["app:1.0"]);

        var once = await ConvertAsync(archive, "oci-archive:" + archive);
        var bytes = File.ReadAllBytes(archive);
        var twice = await ConvertAsync(archive, "oci-archive:" + archive);

        Assert.Equal(once.Tags.Single().Descriptor.Digest, twice.Tags.Single().Descriptor.Digest);
        Assert.Equal(bytes, File.ReadAllBytes(archive));
        Assert.All(twice.Variants, v => Assert.Single(v.Manifests));
        Assert.Equal(2, Index(archive, "1.0").Manifests.Count);
        Assert.Equal([archive], Directory.GetFileSystemEntries(_root, "app*"));
    }

    [Theory]
    [InlineData("estargz,original,zstd-chunked")]
    [InlineData("estargz,zstd-chunked")]
    [InlineData("estargz")]
    public async Task A_publish_tags_layout_converts_to_the_same_tags(string variants)
    {
        var request = new ConversionRequest
        {
            TempDirectory = Path.GetTempPath(),
            CacheDirectory = Path.Combine(_root, "cache"), Publish = PublishMode.Tags, Variants = ConversionSettings.Variants(new OptionText("--variant", variants)),
        };
        var first = Path.Combine(_root, "first");
        var once = await ConvertAsync("oci:" + MultiPlatformLayout(), "oci:" + first, request);
        Assert.Equal(2 * request.Variants.Count, once.Tags.Count);

        var twice = await ConvertAsync("oci:" + first, "oci:" + Path.Combine(_root, "second"), request with { CacheDirectory = null });

        Assert.Equal(once.Tags.Select(t => $"{t.Tag} {t.Descriptor.Digest}").Order(StringComparer.Ordinal), twice.Tags.Select(t => $"{t.Tag} {t.Descriptor.Digest}").Order(StringComparer.Ordinal));
        Assert.All(twice.Variants, v => Assert.Equal((2, 0), (v.Manifests.Count, v.Converted)));
    }

    [Fact]
    public async Task Converting_a_converted_index_to_one_more_variant_adds_only_that_variant()
    {
        var first = Path.Combine(_root, "first");
        var once = await ConvertAsync("oci:" + MultiPlatformLayout(), "oci:" + first,
            new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = Path.Combine(_root, "cache"), Variants = [LayerVariant.EStargz, LayerVariant.Original] });
        var twice = await ConvertAsync("oci:" + first, "oci:" + Path.Combine(_root, "second"),
            new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = Path.Combine(_root, "cache"), Variants = [LayerVariant.EStargz, LayerVariant.Original, LayerVariant.ZstdChunked] });

        var before = Index(first, "1.0").Manifests;
        var after = Index(Path.Combine(_root, "second"), "1.0").Manifests;
        // Per platform: the eStargz and original manifests pass through, zstd:chunked is made from the original's layers (same DiffIDs).
        Assert.Equal(before.Select(m => m.Digest), after.Where(m => m.Annotation(Annotations.CompressionZstd) is null).Select(m => m.Digest));
        Assert.Equal(2, after.Count(m => m.Annotation(Annotations.CompressionZstd) == "true"));
        Assert.Equal(0, twice.Variants.Single(v => v.Variant == LayerVariant.EStargz).Converted);
        Assert.Equal(3, twice.Variants.Single(v => v.Variant == LayerVariant.ZstdChunked).Converted);
        var sourceDiffIds = TestImageLayout.SampleLayers(31).Concat([TestImageLayout.SampleLayers(32)[1]]).Select(t => Digest.Sha256Of(t)).ToHashSet();
        Assert.All(ConvertedImageVerifier.Verify(Path.Combine(_root, "second"), "1.0").Where(l => l.Kind == "zstd:chunked"), l => Assert.Contains(l.DiffId, sourceDiffIds));
        Assert.Equal(2, once.Variants[0].Manifests.Count);
    }
}
