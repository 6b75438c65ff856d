using System.IO.Compression;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Robustness;

/// <summary>
/// The smaller findings of issue 12: both formats refuse what follows a layer's end the same way (non-zero bytes after the tar's end
/// marker: CHB1111; anything after a gzip stream: CHB1202) while zero padding stays fine; a blob checked against the other format's
/// annotations, or as the other format, fails with one line saying so; a compressed or random file given as an image archive is CHB2001
/// with a message of ours, never System.Formats.Tar's.
/// </summary>
public sealed class FormatConsistencyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-consistency-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Formats() => new(LayerFormats.Names);

    private static byte[] SampleTar() => TestImageLayout.SampleLayers(3)[1];

    private static byte[] Gzip(byte[] data)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return buffer.ToArray();
    }

    private async Task<LayerWriteResult> ConvertAsync(byte[] input, string format)
    {
        var path = Path.Combine(_root, "in");
        File.WriteAllBytes(path, input);
        return await LayerFileConverter.ConvertAsync(path, Path.Combine(_root, "out." + format), LayerFormats.Get(format), new FormatOptions { TempDirectory = Path.GetTempPath(), DegreeOfParallelism = 2 },
            TestContext.Current.CancellationToken);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Non_zero_bytes_after_the_end_marker_are_CHB1111_in_both_formats(string format)
    {
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync([.. SampleTar(), .. "GARBAGE"u8], format));
        Assert.Equal(ErrorCodes.DataAfterEndOfArchive, error.Code);
        Assert.False(File.Exists(Path.Combine(_root, "out." + format)));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Bytes_after_a_gzip_stream_are_CHB1202_in_both_formats(string format)
    {
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync([.. Gzip(SampleTar()), .. "GARBAGE"u8], format));
        Assert.Equal(ErrorCodes.CorruptCompressedInput, error.Code);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Zero_record_padding_after_the_end_marker_is_accepted_in_both_formats(string format)
    {
        var result = await ConvertAsync([.. SampleTar(), .. new byte[10240]], format);
        await using var blob = File.OpenRead(Path.Combine(_root, "out." + format));
        var verdict = LayerFormats.Get(format).Validator.Validate(blob, new LayerValidationRequest { Annotations = result.Annotations, DiffId = result.DiffId });
        Assert.True(verdict.IsValid, string.Join("\n", verdict.Failures));
    }

    /// <summary>Found by the fuzz test: zero bytes after the end marker that are not whole blocks made a tar-split containers/storage cannot iterate.</summary>
    [Theory]
    [InlineData(196)]
    [InlineData(520)]
    public async Task Zero_bytes_after_the_end_marker_that_are_not_whole_blocks_are_CHB1111_for_zstd_chunked(int zeros)
    {
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync([.. SampleTar(), .. new byte[zeros]], "zstd-chunked"));
        Assert.Equal(ErrorCodes.DataAfterEndOfArchive, error.Code);
        Assert.Contains("are not whole tar blocks", error.Message);
    }

    /// <summary>Found by the fuzz test: an eStargz layer with an empty symlink target failed stargz-snapshotter's TOC check after conversion.</summary>
    [Theory]
    [MemberData(nameof(Formats))]
    public async Task A_symlink_with_an_empty_target_is_CHB1112(string format)
    {
        byte[] tar = [.. Tar.RawTarBuilder.Header("link", (byte)'2', 0), .. new byte[1024]];
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync(tar, format));
        Assert.Equal(ErrorCodes.EmptyLinkTarget, error.Code);
    }

    /// <summary>Found by the fuzz test: a zstd:chunked TOC with a wrongly typed member crashed inspect with InvalidOperationException.</summary>
    [Theory]
    [InlineData("zstd-chunked", """{"version":1,"entries":[{"type":"reg","name":"a","size":"big"}]}""")]
    [InlineData("zstd-chunked", """{"version":1,"entries":[5]}""")]
    [InlineData("estargz", """{"version":1,"entries":[{"type":"reg","name":"\ud800"}]}""")]
    public async Task A_toc_of_the_wrong_shape_is_CHB1301_when_inspected_and_a_failure_when_verified(string format, string toc)
    {
        var converted = await ConvertAsync(Gzip(SampleTar()), format);
        var annotations = new Dictionary<string, string>(converted.Annotations);
        var blob = File.ReadAllBytes(Path.Combine(_root, "out." + format));
        var hostile = format == "estargz"
            ? Fuzz.LazyBlobMutator.RewriteEStargzToc(blob, _ => System.Text.Encoding.UTF8.GetBytes(toc), annotations)!
            : Fuzz.LazyBlobMutator.RewriteZstdChunkedToc(blob, _ => System.Text.Encoding.UTF8.GetBytes(toc), annotations)!;
        using var stream = new MemoryStream(hostile);
        var error = Assert.Throws<ChunkedBuildException>(() => LayerFormats.Get(format).ReadToc(stream, annotations));
        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.False(LayerFormats.Get(format).Validator.Validate(stream, new LayerValidationRequest { Annotations = annotations }).IsValid);
    }

    [Theory]
    [InlineData("estargz", "zstd-chunked")]
    [InlineData("zstd-chunked", "estargz")]
    public async Task A_blob_checked_with_the_other_formats_annotations_is_reported_as_the_wrong_format(string format, string other)
    {
        var own = await ConvertAsync(Gzip(SampleTar()), format);
        var foreign = await ConvertAsync(Gzip(SampleTar()), other);
        await using var blob = File.OpenRead(Path.Combine(_root, "out." + format));
        Assert.Equal(format, LayerFormatCheck.Infer(foreign.Annotations, blob).Name);

        var verdict = LayerFormats.Get(format).Validator.Validate(blob, new LayerValidationRequest { Annotations = foreign.Annotations });
        var failure = Assert.Single(verdict.Failures);
        Assert.StartsWith($"annotations: they are {(other == "estargz" ? "eStargz" : "zstd:chunked")} annotations (", failure);
        Assert.DoesNotContain(Digest(Array.Empty<byte>()), failure);

        var asOther = LayerFormats.Get(other).Validator.Validate(blob, new LayerValidationRequest { Annotations = own.Annotations });
        Assert.StartsWith("format: the blob is ", Assert.Single(asOther.Failures));
    }

    private static string Digest(byte[] bytes) => Core.Oci.Digest.Sha256Of(bytes).ToString();

    [Fact]
    public async Task A_gzip_compressed_image_archive_is_CHB2001_saying_so()
    {
        var archive = Path.Combine(_root, "image.tar");
        TestImageLayout.WriteDockerArchive(archive, new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(1)), ["app:1"]);
        var compressed = archive + ".gz";
        File.WriteAllBytes(compressed, Gzip(File.ReadAllBytes(archive)));
        foreach (var location in new[] { compressed, "docker-archive:" + compressed, "oci-archive:" + compressed })
        {
            var error = await Assert.ThrowsAsync<ChunkedBuildException>(async () =>
            {
                await using var source = new ImageTransports(null, null).OpenSource(location);
                await source.ResolveAsync(TestContext.Current.CancellationToken);
            });
            Assert.Equal(ErrorCodes.NotAnImage, error.Code);
            Assert.Contains("is gzip-compressed; image archives are read as plain tar files, so decompress it first", error.Message);
        }
    }

    [Fact]
    public async Task A_random_file_given_as_an_image_is_CHB2001_without_a_dotnet_message()
    {
        var random = Path.Combine(_root, "random.bin");
        var bytes = new byte[4096];
        new Random(12).NextBytes(bytes);
        File.WriteAllBytes(random, bytes);
        foreach (var location in new[] { random, "docker-archive:" + random, "oci-archive:" + random })
        {
            var error = await Assert.ThrowsAsync<ChunkedBuildException>(async () =>
            {
                await using var source = new ImageTransports(null, null).OpenSource(location);
                await source.ResolveAsync(TestContext.Current.CancellationToken);
            });
            Assert.Equal(ErrorCodes.NotAnImage, error.Code);
            Assert.Contains("is not a readable tar archive", error.Message);
            Assert.DoesNotContain("Unable to parse number", error.Message);
        }
    }
}
