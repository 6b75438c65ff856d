using System.Formats.Tar;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Robustness;

/// <summary>
/// Decompression bombs against the spools (issue 12, item 10): a few kilobytes of zstd that decompress to tens of megabytes of zeros
/// make every spooling path (eStargz reordering, zstd:chunked prioritized order, the listing of files startup inference reads) stop
/// at the spool limit with CHB1203, leaving no temporary file and no output.
/// </summary>
public sealed class SpoolLimitTests : IDisposable
{
    private const long Limit = 16 << 20;
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-spool-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Temp
    {
        get
        {
            var temp = Path.Combine(_root, "tmp");
            Directory.CreateDirectory(temp);
            return temp;
        }
    }

    /// <summary>A tar of <paramref name="files"/> files of <paramref name="bytesEach"/> zero bytes (named big0, big1…).</summary>
    private static byte[] ZeroTar(int files, long bytesEach)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            for (var i = 0; i < files; i++)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"big{i}") { DataStream = new MemoryStream(new byte[bytesEach]) });
        }
        return tar.ToArray();
    }

    private static byte[] Zstd(byte[] data) => new ZstdSharp.Compressor(19).Wrap(data).ToArray();

    [Theory]
    [InlineData("estargz")]
    [InlineData("zstd-chunked")]
    public async Task A_prioritized_layer_conversion_of_a_bomb_stops_at_the_spool_limit(string format)
    {
        var bomb = Zstd(ZeroTar(1, 64 << 20));
        Assert.True(bomb.Length < 64 << 10, $"the bomb is {bomb.Length} bytes");
        var input = Path.Combine(_root, "bomb.tar.zst");
        File.WriteAllBytes(input, bomb);
        var output = Path.Combine(_root, "out.blob");
        var options = new FormatOptions { PrioritizedFiles = ["big0"], SpoolLimit = Limit, TempDirectory = Temp, DegreeOfParallelism = 2 };
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => LayerFileConverter.ConvertAsync(input, output, LayerFormats.Get(format), options, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.SpoolLimitExceeded, error.Code);
        Assert.Contains("reordering the entries (prioritized files first) needs more than the spool limit of 16,777,216 bytes", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Temp));
        Assert.Equal(["bomb.tar.zst", "tmp"], Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("estargz")]
    [InlineData("zstd-chunked")]
    public async Task The_same_layer_converts_under_a_limit_it_fits(string format)
    {
        var input = Path.Combine(_root, "layer.tar.zst");
        File.WriteAllBytes(input, Zstd(ZeroTar(1, 4 << 20)));
        var output = Path.Combine(_root, "out.blob");
        var options = new FormatOptions { PrioritizedFiles = ["big0"], SpoolLimit = Limit, TempDirectory = Temp, DegreeOfParallelism = 2 };
        var result = await LayerFileConverter.ConvertAsync(input, output, LayerFormats.Get(format), options, TestContext.Current.CancellationToken);
        await using var blob = File.OpenRead(output);
        var verdict = LayerFormats.Get(format).Validator.Validate(blob, new LayerValidationRequest { Annotations = result.Annotations, DiffId = result.DiffId });
        Assert.True(verdict.IsValid, string.Join("\n", verdict.Failures));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Temp));
    }

    /// <summary>An OCI layout whose only layer is <paramref name="tar"/> (gzip), tagged "1".</summary>
    private string Layout(byte[] tar)
    {
        var layout = Path.Combine(_root, "src");
        TestImageLayout.WriteLayout(layout, [new TestPlatformImage("linux", "amd64", [tar])], ["1"]);
        return layout;
    }

    private async Task<ChunkedBuildException> ConvertFails(string layout, ConversionRequest request)
    {
        var transports = new ImageTransports(null, null);
        await using var source = transports.OpenSource("oci:" + layout);
        await using var sink = transports.OpenSink("oci:" + Path.Combine(_root, "out"), out _);
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() =>
            new ImageConverter(request with { SpoolLimit = Limit, TempDirectory = Temp, CacheDirectory = null }).ConvertAsync(source, sink, TestContext.Current.CancellationToken));
        Assert.False(Directory.Exists(Path.Combine(_root, "out")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Temp));
        return error;
    }

    [Fact]
    public async Task An_image_conversion_with_a_prioritization_file_stops_at_the_spool_limit_naming_the_layer()
    {
        var layout = Layout(ZeroTar(1, 64 << 20));
        var manifest = Path.Combine(_root, "prioritize.yaml");
        File.WriteAllText(manifest, "version: 1\nfiles:\n  - /big0\n");
        var error = await ConvertFails(layout, new ConversionRequest { TempDirectory = Path.GetTempPath(), Variants = [LayerVariant.EStargz], Prioritization = PrioritizationMode.Manifest, PrioritizationFile = manifest });
        Assert.Equal(ErrorCodes.SpoolLimitExceeded, error.Code);
        Assert.StartsWith("sha256:", error.Layer);
    }

    [Fact]
    public async Task Listing_a_layer_for_startup_inference_stops_at_the_spool_limit()
    {
        // 400 files of 64 KiB: each small enough to be kept for inference, 25 MiB together.
        var layout = Layout(ZeroTar(400, 64 << 10));
        var error = await ConvertFails(layout, new ConversionRequest { TempDirectory = Path.GetTempPath(), Variants = [LayerVariant.EStargz, LayerVariant.ZstdChunked], Prioritization = PrioritizationMode.Auto });
        Assert.Equal(ErrorCodes.SpoolLimitExceeded, error.Code);
        Assert.Contains("keeping the files startup inference reads", error.Message);
    }

    [Fact]
    public void The_default_limit_is_1_GiB_or_100_times_the_compressed_layer()
    {
        Assert.Equal(1L << 30, SpoolLimits.For(134_000));
        Assert.Equal(100L * (50 << 20), SpoolLimits.For(50 << 20));
        Assert.Equal(12345, SpoolLimits.For(50 << 20, 12345));
        Assert.Equal(long.MaxValue, SpoolLimits.For(long.MaxValue / 2));
    }
}
