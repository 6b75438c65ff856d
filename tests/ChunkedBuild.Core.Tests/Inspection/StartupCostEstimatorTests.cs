using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Corpus;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Inspection;

/// <summary>
/// The lazy-pull cost report on a converted image whose sizes are known: two layers, each with one listed file of random bytes
/// (its compressed size is within 0.5% of its size, framing included) and one large file that is not listed.
/// </summary>
public sealed class StartupCostEstimatorTests : IDisposable
{
    private const int StartSize = 1_000_000;
    private const int DllSize = 300_000;
    private const int BigSize = 3_000_000;
    private const int OtherSize = 2_000_000;

    /// <summary>Deflate framing, tar headers, directories and the landmark: far below this per file.</summary>
    private const int Slack = 16_384;

    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-startup-cost-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (string Source, string List) Inputs()
    {
        var folder = Path.Combine(_root, "src");
        TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64",
        [
            TestImageLayout.Tar(TarSpec.Of(TarSpec.Dir("usr/"), TarSpec.Dir("usr/lib/"), TarSpec.File("usr/lib/big.bin", TarContent.Random(1, BigSize)),
                TarSpec.File("usr/lib/start.bin", TarContent.Random(2, StartSize)))),
            TestImageLayout.Tar(TarSpec.Of(TarSpec.Dir("app/"), TarSpec.File("app/other.bin", TarContent.Random(3, OtherSize)),
                TarSpec.File("app/hello.dll", TarContent.Random(4, DllSize)), TarSpec.Symlink("app/start", "../usr/lib/start.bin"))),
        ])], ["1"]);
        var list = Path.Combine(_root, "startup.txt");
        File.WriteAllText(list, "# files read at startup\n/usr/lib/start.bin\napp/start\n/app/hello.dll\n/app/missing.dll\n");
        return ("oci:" + folder + ":1", list);
    }

    private async Task<StartupCostReport> ConvertAndEstimateAsync(PrioritizationMode mode, string source, string list, string name)
    {
        var output = Path.Combine(_root, name);
        var transports = new ImageTransports(null, null);
        await using (var src = transports.OpenSource(source))
        await using (var sink = transports.OpenSink("oci:" + output + ":t", out _))
        {
            var request = new ConversionRequest
            {
                TempDirectory = Path.GetTempPath(),
                Variants = [LayerVariant.EStargz, LayerVariant.Original, LayerVariant.ZstdChunked], Prioritization = mode, PrioritizationFile = list, Tags = ["t"],
            };
            await new ImageConverter(request).ConvertAsync(src, sink, TestContext.Current.CancellationToken);
        }
        await using var converted = transports.OpenSource("oci:" + output + ":t");
        return await StartupCostEstimator.EstimateAsync(converted, StartupList.Parse(list), _root, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task With_the_list_prioritized_the_listed_files_are_the_prefetch_range_and_the_rest_is_not_fetched()
    {
        var (source, list) = Inputs();
        var report = await ConvertAndEstimateAsync(PrioritizationMode.Record, source, list, "prio");
        Assert.Equal("record", report.Source);
        var platform = Assert.Single(report.Platforms);
        Assert.Equal(["/usr/lib/start.bin", "/app/start", "/app/hello.dll"], platform.Plan.Paths);
        var byVariant = platform.Manifests.ToDictionary(m => m.Variant);
        Assert.Equal(["estargz", "original", "zstd-chunked"], byVariant.Keys.Order(StringComparer.Ordinal));

        // The original: the whole image.
        var original = byVariant["original"];
        Assert.Equal(original.ImageBytes, original.StartupBytes);
        Assert.All(original.Layers, l => Assert.Equal(l.Layer.Size, l.WholeBytes));

        // eStargz: each layer's prefetch range holds its listed file and little else; nothing on demand; the TOC member + footer as the footer says.
        var estargz = byVariant["estargz"];
        AssertNear(StartSize, estargz.Layers[0].PrefetchBytes);
        AssertNear(DllSize, estargz.Layers[1].PrefetchBytes);
        Assert.All(estargz.Layers, l => Assert.Equal(0, l.OnDemandBytes));
        Assert.Equal([1, 2], estargz.Layers.Select(l => l.ListedFiles));
        Assert.Equal([2, 2], estargz.Layers.Select(l => l.Ranges)); // the prefetch range and the TOC + footer
        var layout = new OciLayoutReader(Path.Combine(_root, "prio"));
        foreach (var layer in estargz.Layers)
        {
            var blob = layout.ReadBlob(layer.Layer.Digest);
            Assert.True(EStargzFooter.TryParse(blob.AsSpan(blob.Length - EStargzFooter.Size), out var tocOffset, out _));
            Assert.Equal(blob.Length - tocOffset, layer.MetadataBytes);
        }
        Assert.True(estargz.StartupBytes < estargz.ImageBytes - BigSize - OtherSize + 2 * Slack, $"{estargz.StartupBytes} of {estargz.ImageBytes}");

        // zstd:chunked: the listed files' frames plus the TOC and tar-split frames the annotations locate.
        var zstd = byVariant["zstd-chunked"];
        AssertNear(StartSize, zstd.Layers[0].OnDemandBytes);
        AssertNear(DllSize, zstd.Layers[1].OnDemandBytes);
        Assert.Equal([1, 1], zstd.Layers.Select(l => l.FilesOnDemand));
        foreach (var layer in zstd.Layers)
        {
            var toc = ZstdChunkedPosition.TryParseManifestPosition(layer.Layer.Annotation(ZstdChunkedSpec.ManifestPositionAnnotation))!;
            var tarSplit = ZstdChunkedPosition.TryParseTarSplitPosition(layer.Layer.Annotation(ZstdChunkedSpec.TarSplitPositionAnnotation))!;
            Assert.Equal(toc.CompressedLength + tarSplit.CompressedLength, layer.MetadataBytes);
        }
    }

    [Fact]
    public async Task Without_prioritization_eStargz_prefetches_nothing_and_fetches_the_listed_files_on_demand()
    {
        var (source, list) = Inputs();
        var report = await ConvertAndEstimateAsync(PrioritizationMode.None, source, list, "none");
        var estargz = Assert.Single(report.Platforms).Manifests.Single(m => m.Variant == "estargz");
        Assert.All(estargz.Layers, l => Assert.Equal(0, l.PrefetchBytes));
        AssertNear(StartSize, estargz.Layers[0].OnDemandBytes);
        AssertNear(DllSize, estargz.Layers[1].OnDemandBytes);
        Assert.Equal([1, 1], estargz.Layers.Select(l => l.FilesOnDemand));
    }

    [Fact]
    public void A_missing_startup_file_is_an_io_error_and_a_manifest_is_told_from_a_record()
    {
        var missing = Assert.Throws<ChunkedBuildException>(() => StartupList.Parse(Path.Combine(_root, "nope.yaml")));
        Assert.Equal(ErrorCodes.IoError, missing.Code);
        var manifest = Path.Combine(_root, "m.yaml");
        File.WriteAllText(manifest, "# startup\n\nversion: 1\nfiles: [/app/*.dll]\n");
        Assert.Equal(PrioritizationMode.Manifest, StartupList.Parse(manifest).Mode);
        Assert.Equal(PrioritizationMode.Auto, StartupList.Parse("auto").Mode);
    }

    /// <summary>
    /// <paramref name="actual"/> is <paramref name="expected"/> plus framing, or a little less: the "random" bytes have no zero byte
    /// (7.99 bits of entropy per byte), so libdeflate's Huffman blocks save ~0.1% where zlib-ng stores them.
    /// </summary>
    private static void AssertNear(long expected, long actual) =>
        Assert.True(actual >= expected - expected / 200 && actual <= expected + Slack, $"expected {expected - expected / 200}..{expected + Slack}, got {actual}");
}
