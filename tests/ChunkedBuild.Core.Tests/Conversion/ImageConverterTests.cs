using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion;

/// <summary>Whole-image conversion from OCI layouts and archives to OCI layouts, checked by the oracle and by DiffIDs.</summary>
public sealed class ImageConverterTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-convert-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string MultiPlatformLayout()
    {
        var folder = Path.Combine(_root, "src");
        var shared = TestImageLayout.SampleLayers(7);
        TestImageLayout.WriteLayout(folder,
        [
            new TestPlatformImage("linux", "amd64", shared),
            new TestPlatformImage("linux", "arm64", [shared[0], TestImageLayout.SampleLayers(8)[1]]),
        ], ["1.0", "latest"]);
        return folder;
    }

    private static async Task<ConversionResult> ConvertAsync(string source, string destination, ConversionRequest? request = null)
    {
        var transports = new ImageTransports(null, null);
        await using var src = transports.OpenSource(source);
        await using var sink = transports.OpenSink(destination, out var tag);
        request ??= new ConversionRequest { TempDirectory = Path.GetTempPath() };
        if (tag is not null) request = request with { Tags = [tag] };
        return await new ImageConverter(request).ConvertAsync(src, sink, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Multi_platform_index_becomes_one_index_with_estargz_first_and_zstd_chunked_last_per_platform()
    {
        var output = Path.Combine(_root, "out");
        var result = await ConvertAsync("oci:" + MultiPlatformLayout(), "oci:" + output);

        Assert.Equal(["1.0", "latest"], result.Tags.Select(t => t.Tag));
        var reader = new OciLayoutReader(output);
        var index = reader.ReadDocument<ImageIndex>(reader.Resolve("1.0")).Value;
        Assert.Equal(["linux/amd64", "linux/amd64", "linux/arm64", "linux/arm64"], index.Manifests.Select(m => m.Platform!.ToString()));
        Assert.Equal([null, "true", null, "true"], index.Manifests.Select(m => m.Annotation(Annotations.CompressionZstd)));
        var layers = ConvertedImageVerifier.Verify(output, "1.0");
        Assert.Equal(["estargz", "estargz", "zstd:chunked", "zstd:chunked", "estargz", "estargz", "zstd:chunked", "zstd:chunked"], layers.Select(l => l.Kind));
        // The shared base layer is converted once per variant and appears under both platforms.
        Assert.Equal(3, result.Variants.Single(v => v.Variant == LayerVariant.EStargz).Converted);
    }

    [Fact]
    public async Task Zstd_chunked_keeps_diff_ids_and_estargz_rewrites_them()
    {
        var source = MultiPlatformLayout();
        var output = Path.Combine(_root, "out");
        await ConvertAsync("oci:" + source + ":1.0", "oci:" + output + ":v1");
        var layers = ConvertedImageVerifier.Verify(output, "v1");
        var sourceDiffIds = TestImageLayout.SampleLayers(7).Select(t => Digest.Sha256Of(t)).ToList();
        var zstd = layers.Where(l => l.Kind == "zstd:chunked").Take(2).Select(l => l.DiffId);
        Assert.Equal(sourceDiffIds, zstd);
        Assert.DoesNotContain(layers.Where(l => l.Kind == "estargz").Select(l => l.DiffId), sourceDiffIds.Contains);
    }

    [Fact]
    public async Task Same_input_gives_the_same_index_digest_whatever_the_parallelism()
    {
        var source = "oci:" + MultiPlatformLayout();
        var a = await ConvertAsync(source, "oci:" + Path.Combine(_root, "a"), new ConversionRequest { TempDirectory = Path.GetTempPath(), Jobs = 1, ThreadsPerLayer = 1 });
        var b = await ConvertAsync(source, "oci:" + Path.Combine(_root, "b"), new ConversionRequest { TempDirectory = Path.GetTempPath(), Jobs = 4, ThreadsPerLayer = 3 });
        Assert.Equal(a.Tags[0].Descriptor.Digest, b.Tags[0].Descriptor.Digest);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "a", "index.json")), File.ReadAllBytes(Path.Combine(_root, "b", "index.json")));
    }

    [Fact]
    public async Task A_warm_cache_converts_no_layer_and_gives_the_same_bytes()
    {
        var source = "oci:" + MultiPlatformLayout();
        var request = new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = Path.Combine(_root, "cache") };
        var cold = await ConvertAsync(source, "oci:" + Path.Combine(_root, "cold"), request);
        var warm = await ConvertAsync(source, "oci:" + Path.Combine(_root, "warm"), request);
        Assert.All(cold.Variants, v => Assert.Equal(3, v.Converted));
        Assert.All(warm.Variants, v => Assert.Equal((0, 3), (v.Converted, v.Reused)));
        Assert.Equal(cold.Tags[0].Descriptor.Digest, warm.Tags[0].Descriptor.Digest);
        ConvertedImageVerifier.Verify(Path.Combine(_root, "warm"), "1.0");
    }

    [Fact]
    public async Task The_cache_key_holds_the_effective_level_so_a_changed_default_never_reuses_entries_of_the_old_one()
    {
        var source = "oci:" + MultiPlatformLayout();
        var cache = Path.Combine(_root, "cache");
        var (zstd, gzip) = (LayerFormats.ZstdChunked.Levels.Default, LayerFormats.EStargz.Levels.Default);
        await ConvertAsync(source, "oci:" + Path.Combine(_root, "default"), new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = cache });
        // The default level named explicitly is the same conversion: every layer is a hit.
        var named = await ConvertAsync(source, "oci:" + Path.Combine(_root, "named"), new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = cache, ZstdLevel = zstd, GzipLevel = gzip });
        Assert.All(named.Variants, v => Assert.Equal((0, 3), (v.Converted, v.Reused)));
        // Any other level (e.g. what the default was before) is a miss, not a hit with bytes of another level.
        var other = await ConvertAsync(source, "oci:" + Path.Combine(_root, "other"), new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = cache, ZstdLevel = zstd - 1, GzipLevel = gzip - 1 });
        Assert.All(other.Variants, v => Assert.Equal((3, 0), (v.Converted, v.Reused)));
    }

    [Fact]
    public async Task Publish_tags_writes_one_reference_per_variant()
    {
        var output = Path.Combine(_root, "out");
        var result = await ConvertAsync("oci:" + MultiPlatformLayout() + ":1.0", "oci:" + output + ":v2",
            new ConversionRequest { TempDirectory = Path.GetTempPath(), Publish = PublishMode.Tags, Variants = [LayerVariant.ZstdChunked, LayerVariant.Original, LayerVariant.EStargz] });
        Assert.Equal(["v2-estargz", "v2", "v2-zstdchunked"], result.Tags.Select(t => t.Tag));
        foreach (var tag in result.Tags) ConvertedImageVerifier.Verify(output, tag.Tag);
        Assert.All(ConvertedImageVerifier.Verify(output, "v2"), l => Assert.Equal("plain", l.Kind));
    }

    [Fact]
    public async Task The_original_variant_of_an_oci_image_keeps_its_manifest_bytes()
    {
        var folder = Path.Combine(_root, "single");
        var root = TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(3))], ["1"]);
        var result = await ConvertAsync("oci:" + folder, "oci:" + Path.Combine(_root, "out"),
            new ConversionRequest { TempDirectory = Path.GetTempPath(), Publish = PublishMode.Tags, Variants = [LayerVariant.Original] });
        Assert.Equal(root.Digest, result.Tags.Single().Descriptor.Digest);
    }

    [Fact]
    public async Task Already_converted_layers_pass_through_untouched()
    {
        var first = Path.Combine(_root, "first");
        await ConvertAsync("oci:" + MultiPlatformLayout() + ":1.0", "oci:" + first + ":x", new ConversionRequest { TempDirectory = Path.GetTempPath(), Publish = PublishMode.Tags });
        var again = await ConvertAsync("oci:" + first + ":x-zstdchunked", "oci:" + Path.Combine(_root, "second") + ":y",
            new ConversionRequest { TempDirectory = Path.GetTempPath(), Publish = PublishMode.Tags, Variants = [LayerVariant.ZstdChunked] });
        var summary = again.Variants.Single();
        Assert.Equal((0, 3), (summary.Converted, summary.Reused));
        Assert.Equal(new OciLayoutReader(first).Resolve("x-zstdchunked").Digest, again.Tags.Single().Descriptor.Digest);
    }

    [Fact]
    public async Task Docker_archive_in_the_sdk_style_becomes_an_oci_image()
    {
        var archive = Path.Combine(_root, "hello.tar.gz");
        TestImageLayout.WriteDockerArchive(archive, new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(5)), ["hello:1.0", "hello:latest"]);
        var output = Path.Combine(_root, "out");
        var result = await ConvertAsync(archive, "oci:" + output);
        Assert.Equal(["1.0", "latest"], result.Tags.Select(t => t.Tag));
        var reader = new OciLayoutReader(output);
        foreach (var m in ConvertedImageVerifier.Manifests(reader, reader.Resolve("1.0")))
        {
            Assert.Equal(MediaTypes.OciManifest, m.MediaType);
            Assert.Equal(MediaTypes.OciConfig, reader.ReadDocument<Manifest>(m).Value.Config.MediaType);
        }
        ConvertedImageVerifier.Verify(output, "latest");
    }

    [Fact]
    public async Task Sdk_style_layout_tar_converts_to_an_oci_archive_that_is_deterministic()
    {
        var tar = Path.Combine(_root, "sdk.tar");
        TestImageLayout.PackLayout(MultiPlatformLayout(), tar);
        await ConvertAsync(tar, "oci-archive:" + Path.Combine(_root, "a.tar"));
        await ConvertAsync("oci-archive:" + tar, "oci-archive:" + Path.Combine(_root, "b.tar"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "a.tar")), File.ReadAllBytes(Path.Combine(_root, "b.tar")));
        ConvertedImageVerifier.Verify(Path.Combine(_root, "a.tar"), "latest");
        Assert.Equal(["a.tar", "b.tar", "sdk.tar", "src"], Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName).Order());
    }
}
