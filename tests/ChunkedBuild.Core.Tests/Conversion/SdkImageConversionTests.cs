using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion;

/// <summary>
/// End to end on real inputs: archives written by <c>dotnet publish -t:PublishContainer</c> (OCI, Docker, multi-RID) on a base image
/// served by Debian's docker-registry, and a layout and docker archive written by skopeo. Every output is read back by skopeo (inspect,
/// copy to a fresh layout, push to the registry), every layer passes the oracle with the manifest's annotation values, every DiffID equals
/// the sha256 of the decompressed layer, and the Core verifier (what <c>dotnet chunked verify</c> runs) passes.
/// </summary>
public sealed class SdkImageConversionTests(PublishedImages images) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-e2e-convert-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Inputs() => ["sdk-oci", "sdk-docker", "sdk-multi-rid", "skopeo-oci", "skopeo-docker-archive"];

    private async Task<string> InputAsync(string name) => name switch
    {
        "sdk-oci" => (await images.OciArchiveAsync()).ArchivePath,
        "sdk-docker" => (await images.DockerArchiveAsync()).ArchivePath,
        "sdk-multi-rid" => (await images.MultiRidArchiveAsync()).ArchivePath,
        "skopeo-oci" => "oci:" + await images.BaseOciLayoutAsync(),
        _ => "docker-archive:" + await images.BaseDockerArchiveAsync(),
    };

    private static async Task<ConversionResult> ConvertAsync(string source, string destination, ConversionRequest request)
    {
        var transports = new ImageTransports(null, null);
        await using var src = transports.OpenSource(source);
        await using var sink = transports.OpenSink(destination, out var tag);
        return await new ImageConverter(tag is null ? request : request with { Tags = [tag] }).ConvertAsync(src, sink, TestContext.Current.CancellationToken);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Converted_images_are_read_by_skopeo_pass_refcheck_and_verify(string input)
    {
        var source = await InputAsync(input);
        var output = Path.Combine(_root, "out.tar");
        var result = await ConvertAsync(source, "oci-archive:" + output + ":t", new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = Path.Combine(_root, "cache") });
        var index = Assert.Single(result.Tags).Descriptor;
        Assert.Equal(MediaTypes.OciIndex, index.MediaType);

        // skopeo reads the index and copies every instance to a fresh layout, byte for byte (same index digest).
        using (var raw = Skopeo.Inspect("oci-archive:" + output + ":t", raw: true))
            Assert.Equal(result.Variants.Sum(v => v.Manifests.Count), raw.RootElement.GetProperty("manifests").GetArrayLength());
        var copy = Path.Combine(_root, "copy");
        Skopeo.Copy("oci-archive:" + output + ":t", "oci:" + copy + ":t", new SkopeoCopyOptions { All = true });
        Assert.Equal(index.Digest, new OciLayoutReader(copy).Resolve("t").Digest);

        // Every layer: the oracle with the manifest's annotations, DiffID = sha256 of the decompressed layer.
        var layers = ConvertedImageVerifier.Verify(output, "t");
        Assert.Contains(layers, l => l.Kind == "estargz");
        Assert.Contains(layers, l => l.Kind == "zstd:chunked");
        Assert.All(layers, l => Assert.NotEqual("plain", l.Kind));

        await using var converted = new ImageTransports(null, null).OpenSource("oci-archive:" + output + ":t");
        var verdicts = await ImageVerifier.VerifyAsync(converted, Path.GetTempPath(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.All(verdicts, v => Assert.True(v.Ok, string.Join("; ", v.Failures)));

        // A second run with the warm cache converts nothing and gives the same index.
        var again = await ConvertAsync(source, "oci-archive:" + Path.Combine(_root, "again.tar") + ":t", new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = Path.Combine(_root, "cache") });
        Assert.All(again.Variants, v => Assert.Equal(0, v.Converted));
        Assert.Equal(index.Digest, again.Tags.Single().Descriptor.Digest);
        Assert.Equal(File.ReadAllBytes(output), File.ReadAllBytes(Path.Combine(_root, "again.tar")));
    }

    [Fact]
    public async Task A_converted_multi_rid_index_pushes_to_the_registry_with_skopeo_and_reads_back_identically()
    {
        var output = Path.Combine(_root, "multi");
        var result = await ConvertAsync((await images.MultiRidArchiveAsync()).ArchivePath, "oci:" + output + ":1.0", new ConversionRequest { TempDirectory = Path.GetTempPath() });
        var reader = new OciLayoutReader(output);
        var platforms = ConvertedImageVerifier.Manifests(reader, reader.Resolve("1.0")).Select(m => m.Platform!.ToString()).ToList();
        Assert.Equal(["linux/amd64", "linux/amd64", "linux/arm64", "linux/arm64"], platforms);

        var host = await images.RegistryHostAsync();
        Skopeo.Copy("oci:" + output + ":1.0", $"docker://{host}/converted/hello:1.0", new SkopeoCopyOptions { All = true });
        using var pushed = Skopeo.Inspect($"docker://{host}/converted/hello:1.0", raw: true);
        Assert.Equal(Digest.Sha256Of(reader.ReadBlob(result.Tags[0].Descriptor.Digest)), Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(pushed.RootElement.GetRawText())));
    }
}
