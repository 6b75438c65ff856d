using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Oci;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry;

/// <summary>
/// The registry capability check of a push: against Debian's docker-registry (single and multi-range GETs served: both variants' pulls
/// work, no warning) and through a proxy that answers multi-range GETs 501 or 416, or ignores ranges (200 with the whole blob), each
/// reported per variant with the status the registry gave (CHB4011), probed once per repository.
/// </summary>
public sealed class RangeProbeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-rangeprobe-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LocalRegistry StartRegistry()
    {
        Assert.SkipUnless(LocalRegistry.IsAvailable, "docker-registry is not installed (the CI script installs it)");
        return LocalRegistry.Start();
    }

    private async Task<ConversionResult> PushAsync(string destination, ImageConverter? converter = null)
    {
        var layout = Path.Combine(_root, "image");
        if (!Directory.Exists(layout))
            TestImageLayout.WriteLayout(layout, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(1))], ["1.0"]);
        var transport = new RegistryImageTransport(new RegistryClientOptions());
        var transports = new ImageTransports(transport, null);
        await using var source = transports.OpenSource("oci:" + layout);
        await using var sink = transports.OpenSink(destination, out var tag);
        converter ??= new ImageConverter(new ConversionRequest { TempDirectory = Path.GetTempPath(), Tags = [tag!], RegistryCache = new RegistryCacheOptions { Enabled = false } }, null, transport);
        return await converter.ConvertAsync(source, sink, Ct);
    }

    [Fact]
    public async Task Docker_registry_serves_single_and_multi_range_gets_and_both_variants_pulls_will_work()
    {
        using var registry = StartRegistry();
        var result = await PushAsync($"docker://{registry.Host}/shop/app:1");
        var check = Assert.IsType<RegistryCheckReport>(result.RegistryCheck);
        Assert.Equal($"{registry.Host}/shop/app", check.Ranges.Repository);
        Assert.Equal(new RangeCheck(true, 206, "206 with the right bytes"), check.Ranges.Single);
        Assert.Equal(new RangeCheck(true, 206, "206 multipart/byteranges with the right bytes"), check.Ranges.Multi);
        Assert.Equal([(LayerVariant.EStargz, "lazy", true), (LayerVariant.ZstdChunked, "partial", true)], check.Variants.Select(v => (v.Variant, v.Pull, v.Works)));
        Assert.DoesNotContain(result.Warnings, w => w.StartsWith(ErrorCodes.RegistryRangeRequestsUnsupported, StringComparison.Ordinal));
        // The probed blob is one of the image's converted layers.
        Assert.Contains(result.Variants.SelectMany(v => v.Manifests).SelectMany(m => m.Layers), l => l.Descriptor.Digest == check.Ranges.Blob);
    }

    [Theory]
    [InlineData(RangeFault.MultiRangeNotImplemented, true, "501 Not Implemented", 501)]
    [InlineData(RangeFault.MultiRangeNotSatisfiable, true, "416 Range Not Satisfiable", 416)]
    [InlineData(RangeFault.WholeBlob, false, "200 OK with the whole blob (the range is ignored)", 200)]
    public async Task A_registry_that_breaks_range_gets_is_reported_per_variant_with_its_status(RangeFault fault, bool lazyWorks, string multiDetail, int status)
    {
        using var registry = StartRegistry();
        using var proxy = new FaultProxy(registry.Port, seed: 1, probability: 0, maxFaults: 0) { Ranges = fault };
        var converter = new ImageConverter(new ConversionRequest { TempDirectory = Path.GetTempPath(), RegistryCache = new RegistryCacheOptions { Enabled = false } }, null,
            new RegistryImageTransport(new RegistryClientOptions()));
        var result = await PushAsync($"docker://{proxy.Host}/shop/app:1", converter);

        var check = Assert.IsType<RegistryCheckReport>(result.RegistryCheck);
        Assert.Equal(new RangeCheck(false, status, multiDetail), check.Ranges.Multi);
        Assert.Equal(lazyWorks, check.Ranges.Single.Works);
        Assert.Equal([(LayerVariant.EStargz, lazyWorks), (LayerVariant.ZstdChunked, false)], check.Variants.Select(v => (v.Variant, v.Works)));
        var warnings = result.Warnings.Where(w => w.StartsWith(ErrorCodes.RegistryRangeRequestsUnsupported, StringComparison.Ordinal)).ToList();
        Assert.Equal(lazyWorks ? 1 : 2, warnings.Count);
        Assert.All(warnings, w => Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), w));
        Assert.Contains(warnings, w => w.Contains("zstd-chunked partial pulls will not work", StringComparison.Ordinal));
        Assert.Equal(!lazyWorks, warnings.Any(w => w.Contains("estargz lazy pulls will not work", StringComparison.Ordinal)));
        Assert.Equal(2, proxy.RangeRequests);

        // The same repository again in this run (the converter's lifetime): the first probe's answer, no new range GETs.
        var again = await PushAsync($"docker://{proxy.Host}/shop/app:2", converter);
        Assert.Equal(check.Ranges, again.RegistryCheck!.Ranges);
        Assert.Equal(2, proxy.RangeRequests);
    }

    [Fact]
    public void Multipart_byteranges_bodies_are_split_into_their_parts()
    {
        var body = "\r\n--B1\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 0-2/10\r\n\r\nabc\r\n--B1\r\nContent-Range: bytes 5-6/10\r\n\r\nfg\r\n--B1--\r\n"u8;
        var parts = MultipartByteRanges.Parse(body, "B1");
        Assert.NotNull(parts);
        Assert.Equal([("bytes 0-2/10", "abc"), ("bytes 5-6/10", "fg")], parts.Select(p => (p.ContentRange, System.Text.Encoding.ASCII.GetString(p.Body))));
        Assert.Null(MultipartByteRanges.Parse("--B1\r\nContent-Range: bytes 0-9/10\r\n\r\nabc"u8, "B1"));
    }
}
