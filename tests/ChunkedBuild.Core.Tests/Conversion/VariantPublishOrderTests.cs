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
/// The published order of the variants is one named rule (<see cref="LayerVariants.PublishOrder"/>: eStargz, the original,
/// zstd:chunked), whatever order a request lists them in: the index's manifests per platform, the tags and the summaries follow it.
/// </summary>
public sealed class VariantPublishOrderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-order-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly LayerVariant[] Reversed = [LayerVariant.ZstdChunked, LayerVariant.Original, LayerVariant.EStargz];

    [Fact]
    public void The_rule_names_every_variant_once_gzip_compatible_first_and_zstd_chunked_last()
    {
        Assert.Equal([LayerVariant.EStargz, LayerVariant.Original, LayerVariant.ZstdChunked], LayerVariants.PublishOrder);
        Assert.Equal(Enum.GetValues<LayerVariant>().Order(), LayerVariants.PublishOrder.Order());
        Assert.Equal(LayerVariants.PublishOrder, LayerVariants.InPublishOrder(Reversed.Concat(Reversed)));
        Assert.Equal([LayerVariant.EStargz, LayerVariant.Original, LayerVariant.ZstdChunked], ConversionSettings.Variants(new OptionText("--variant", "zstd-chunked,original,estargz,zstd-chunked")));
    }

    [Fact]
    public async Task An_index_lists_each_platform_s_variants_in_publish_order_whatever_the_request_s_order()
    {
        var output = Path.Combine(_root, "out");
        var result = await ConvertAsync(output, new ConversionRequest { TempDirectory = Path.GetTempPath(), Variants = Reversed });

        var reader = new OciLayoutReader(output);
        var index = reader.ReadDocument<ImageIndex>(reader.Resolve("1.0")).Value;
        var variantOf = result.Variants.SelectMany(v => v.Manifests).ToDictionary(m => m.Descriptor.Digest, m => m.Variant);
        Assert.Equal(
            ["linux/amd64 EStargz", "linux/amd64 Original", "linux/amd64 ZstdChunked", "linux/arm64 EStargz", "linux/arm64 Original", "linux/arm64 ZstdChunked"],
            index.Manifests.Select(m => $"{m.Platform} {variantOf[m.Digest]}"));
        Assert.Equal(LayerVariants.PublishOrder, result.Variants.Select(v => v.Variant));
    }

    [Fact]
    public async Task Tags_are_published_in_publish_order_whatever_the_request_s_order()
    {
        var result = await ConvertAsync(Path.Combine(_root, "out"), new ConversionRequest { TempDirectory = Path.GetTempPath(), Variants = Reversed, Publish = PublishMode.Tags });

        Assert.Equal(["1.0-estargz", "1.0", "1.0-zstdchunked"], result.Tags.Select(t => t.Tag));
        Assert.Equal(LayerVariants.PublishOrder, result.Tags.Select(t => t.Variant!.Value));
        Assert.Equal(LayerVariants.PublishOrder, result.Variants.Select(v => v.Variant));
    }

    private async Task<ConversionResult> ConvertAsync(string output, ConversionRequest request)
    {
        var folder = Path.Combine(_root, "src");
        var layers = TestImageLayout.SampleLayers(7);
        TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", layers), new TestPlatformImage("linux", "arm64", [layers[0]])], ["1.0"]);
        var transports = new ImageTransports(null, null);
        await using var source = transports.OpenSource("oci:" + folder + ":1.0");
        await using var sink = transports.OpenSink("oci:" + output + ":1.0", out var tag);
        return await new ImageConverter(request with { Tags = [tag!] }).ConvertAsync(source, sink, TestContext.Current.CancellationToken);
    }
}
