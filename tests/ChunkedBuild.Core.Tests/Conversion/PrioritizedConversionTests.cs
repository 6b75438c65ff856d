using System.Text.Json;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.Oci;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion;

/// <summary>
/// Prioritization through whole-image conversion: the eStargz layers put the listed files first and the prefetch landmark right after
/// them, other layers get the no-prefetch landmark, and the effective list (with byte ranges) is attached to each converted manifest as a
/// referrer artifact, found again in an OCI layout and through a registry (distribution 2.8: the referrers tag fallback).
/// </summary>
public sealed class PrioritizedConversionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-prio-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Layout()
    {
        var folder = Path.Combine(_root, "src");
        TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(9))], ["1"]);
        return folder;
    }

    private string Manifest()
    {
        var path = Path.Combine(_root, "chunked.prioritize.yaml");
        File.WriteAllText(path, "version: 1\nfiles:\n  - /app/hello.runtimeconfig.json\n  - /app/*.dll\nexclude:\n  - /app/hello-link.dll\n");
        return path;
    }

    private static async Task<ConversionResult> ConvertAsync(string source, string destination, ConversionRequest request, IRegistryTransport? registry = null)
    {
        var transports = new ImageTransports(registry, null);
        await using var src = transports.OpenSource(source);
        await using var sink = transports.OpenSink(destination, out var tag);
        return await new ImageConverter(tag is null ? request : request with { Tags = [tag] }).ConvertAsync(src, sink, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Listed_files_come_first_then_the_landmark_and_the_record_is_a_referrer_in_the_layout()
    {
        var output = Path.Combine(_root, "out");
        var result = await ConvertAsync("oci:" + Layout(), "oci:" + output + ":p",
            new ConversionRequest { TempDirectory = Path.GetTempPath(), Prioritization = PrioritizationMode.Manifest, PrioritizationFile = Manifest() });
        var plan = Assert.Single(result.Plans).Value;
        Assert.Equal(["/app/hello.runtimeconfig.json", "/app/hello.dll"], plan.Paths);
        ConvertedImageVerifier.Verify(output, "p");

        var reader = new OciLayoutReader(output);
        var estargz = ConvertedImageVerifier.Manifests(reader, reader.Resolve("p")).First();
        var layers = reader.ReadDocument<Manifest>(estargz).Value.Layers;
        Assert.Equal([".no.prefetch.landmark"], ConvertedImageVerifier.EStargzEntryNames(reader, layers[0]).Where(n => n.Contains("landmark")));
        var app = ConvertedImageVerifier.EStargzEntryNames(reader, layers[1]);
        var landmark = app.IndexOf(".prefetch.landmark");
        Assert.Equal(["app/hello.runtimeconfig.json", "app/hello.dll"], app.Take(landmark).Where(n => !n.EndsWith('/')));

        await using var source = new OciLayoutSource(output, "p", "out");
        var referrers = await source.ReferrersAsync(estargz.Digest, PrioritizationRecord.MediaType, TestContext.Current.CancellationToken);
        var record = Record(reader, Assert.Single(referrers));
        Assert.Equal("estargz", record.GetProperty("variant").GetString());
        var file = record.GetProperty("layers")[1].GetProperty("files")[0];
        Assert.Equal("app/hello.runtimeconfig.json", file.GetProperty("name").GetString()!.TrimStart('.', '/'));
        Assert.True(file.GetProperty("endOffset").GetInt64() > file.GetProperty("offset").GetInt64());
    }

    [Fact]
    public async Task Zstd_chunked_in_prioritized_order_puts_the_listed_files_first_and_rewrites_the_diff_ids()
    {
        var output = Path.Combine(_root, "zstd");
        await ConvertAsync("oci:" + Layout(), "oci:" + output + ":z", new ConversionRequest
        {
            TempDirectory = Path.GetTempPath(),
            Prioritization = PrioritizationMode.Manifest, PrioritizationFile = Manifest(), Variants = [LayerVariant.ZstdChunked], ZstdPrioritizedOrder = true,
        });
        var layers = ConvertedImageVerifier.Verify(output, "z");
        Assert.NotEqual(Digest.Sha256Of(TestImageLayout.SampleLayers(9)[1]), layers[1].DiffId);
        Assert.Equal(Digest.Sha256Of(TestImageLayout.SampleLayers(9)[0]), layers[0].DiffId);
        var reader = new OciLayoutReader(output);
        using var blob = new MemoryStream(reader.ReadBlob(layers[1].Layer.Digest));
        var names = LayerFormats.ZstdChunked.ReadToc(blob, layers[1].Layer.Annotations).Entries.Select(e => e.Name).Distinct().ToList();
        Assert.Equal(["app/", "app/hello.runtimeconfig.json", "app/hello.dll"], names.Take(3));
    }

    [Fact]
    public async Task The_record_is_found_through_the_registry_referrers_tag_fallback()
    {
        if (!LocalRegistry.IsAvailable) Assert.Skip("docker-registry is not installed (the CI script installs it)");
        using var registry = LocalRegistry.Start();
        var transport = new RegistryImageTransport(new RegistryClientOptions());
        var result = await ConvertAsync("oci:" + Layout(), $"docker://{registry.Host}/apps/prio:1",
            new ConversionRequest { TempDirectory = Path.GetTempPath(), Prioritization = PrioritizationMode.Manifest, PrioritizationFile = Manifest(), Variants = [LayerVariant.EStargz] }, transport);
        await using var source = transport.CreateSource(ChunkedBuild.Core.Transports.ImageLocation.Parse($"docker://{registry.Host}/apps/prio:1", mustExist: false));
        var images = await ImageInspector.InspectAsync(source, countEntries: true, null, TestContext.Current.CancellationToken);
        var manifest = Assert.Single(Assert.Single(images).Manifests);
        // TOC entries are counted from ranged reads of the registry's blobs (footer and TOC only).
        Assert.All(manifest.Layers, l => Assert.True(l.Entries > 0));
        var referrer = Assert.Single(manifest.Referrers);
        Assert.Equal(PrioritizationRecord.MediaType, referrer.ArtifactType);
        Assert.Equal(result.Tags.Single().Descriptor.Digest, Assert.Single(images).Root.Digest);

        // Read back by an outside client: skopeo copies the pushed index to a layout, and every layer passes the oracle.
        if (!Skopeo.IsAvailable) return;
        var copy = Path.Combine(_root, "copy");
        Skopeo.Copy($"docker://{registry.Host}/apps/prio:1", "oci:" + copy + ":1", new SkopeoCopyOptions { All = true });
        Assert.All(ConvertedImageVerifier.Verify(copy, "1"), l => Assert.Equal("estargz", l.Kind));
    }


    private static JsonElement Record(OciLayoutReader reader, Descriptor artifact)
    {
        var manifest = reader.ReadDocument<Manifest>(artifact).Value;
        return JsonDocument.Parse(reader.ReadBlob(manifest.Layers[0].Digest)).RootElement;
    }
}
