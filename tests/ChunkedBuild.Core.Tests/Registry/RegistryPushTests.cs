using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry;

/// <summary>Pushes and pulls against Debian's real docker-registry (distribution 2.8), read back with skopeo.</summary>
public sealed class RegistryPushTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ImageReference Ref(string repository, string tag = "v1") => ImageReference.Parse($"{fixture.Registry.Host}/{repository}:{tag}");

    private static async Task<RegistryPushStatistics> PushAsync(TestImage image, ImageReference destination, RegistryClientOptions options, IImageSource? origin = null)
    {
        using var client = new RegistryClient(options);
        await using var sink = new RegistryImageSink(client, destination);
        if (origin is null)
        {
            await LayoutPush.PushAsync(image.Open(), image.Root, sink, [destination.Tag!], Ct);
        }
        else
        {
            // Blobs whose origin is another repository of the same registry: the sink mounts them.
            foreach (var blob in image.BlobDescriptors)
                await sink.WriteBlobAsync(blob, new BlobContent(ct => origin.OpenBlobAsync(blob, ct), origin), Ct);
            await sink.WriteManifestAsync(image.Root, image.Open().ReadBlob(image.Root.Digest), Ct);
            await sink.TagAsync(image.Root, destination.Tag!, Ct);
            await sink.CommitAsync(Ct);
        }
        return sink.Statistics;
    }

    [Fact]
    public async Task Pushed_image_reads_back_byte_identical_with_skopeo()
    {
        RegistryFixture.RequireSkopeo();
        var image = TestImage.Create(fixture.Folder.FullName, 1, "v1", 1000, 200_000, 3_000_000);
        var destination = Ref("apps/skopeo");
        var stats = await PushAsync(image, destination, RegistryFixture.FastOptions());
        Assert.Equal(4, stats.BlobsUploaded);
        Assert.Equal(image.Blobs.Values.Sum(b => (long)b.Length), stats.BytesUploaded);

        var raw = ProcessRunner.Run("skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{destination}"]);
        Assert.True(raw.ExitCode == 0, raw.StdErr + fixture.Registry.Log);
        Assert.Equal(image.Root.Digest, Digest.Sha256Of(Encoding.UTF8.GetBytes(raw.StdOut)));
        var inspect = ProcessRunner.Run("skopeo", ["inspect", "--tls-verify=false", $"docker://{destination}"]);
        Assert.True(inspect.ExitCode == 0, inspect.StdErr);
        Assert.Contains(image.Root.Digest.ToString(), inspect.StdOut);

        var copy = Path.Combine(fixture.Folder.FullName, "skopeo-copy");
        var result = ProcessRunner.Run("skopeo", ["copy", "--src-tls-verify=false", $"docker://{destination}", $"oci:{copy}:back"]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        var layout = new OciLayoutReader(copy);
        Assert.Equal(image.Root.Digest, layout.Resolve("back").Digest);
        foreach (var (digest, bytes) in image.Blobs) Assert.Equal(bytes, layout.ReadBlob(digest));
    }

    [Fact]
    public async Task Pulls_back_with_the_registry_source()
    {
        var image = TestImage.Create(fixture.Folder.FullName, 2, "v1", 5000, 70_000);
        var destination = Ref("apps/pull");
        await PushAsync(image, destination, RegistryFixture.FastOptions());

        var progress = new ConcurrentBag<BlobTransferProgress>();
        await using var source = RegistryTransport.CreateSource(ImageLocation.Parse($"docker://{destination}", mustExist: false),
            RegistryFixture.FastOptions() with { Progress = new SyncProgress(progress.Add) });
        var resolved = Assert.Single(await source.ResolveAsync(Ct));
        Assert.Equal(image.Root, resolved.Descriptor with { Annotations = null });
        Assert.Equal(["v1"], resolved.Tags);
        var manifest = OciJson.Parse<Manifest>(await source.ReadBlobAsync(resolved.Descriptor, Ct));
        Assert.Equal(image.Layers.Select(l => l.Digest), manifest.Layers.Select(l => l.Digest));
        foreach (var blob in image.BlobDescriptors)
        {
            await using var stream = await source.OpenBlobAsync(blob, Ct);
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy, Ct);
            Assert.Equal(image.Blobs[blob.Digest], copy.ToArray());
        }
        Assert.Contains(progress, p => p.Kind == BlobTransferKind.Download && p.Transferred == p.Total && p.Digest == image.Layers[1].Digest);
        Assert.Contains("v1", await source.Client.ListTagsAsync(destination, Ct));
    }

    [Fact]
    public async Task A_blob_with_wrong_bytes_fails_verification_when_pulled()
    {
        var image = TestImage.Create(fixture.Folder.FullName, 3, "v1", 4000);
        var destination = Ref("apps/verify");
        await PushAsync(image, destination, RegistryFixture.FastOptions());
        using var client = new RegistryClient(RegistryFixture.FastOptions());
        var layer = image.Layers[0];
        // Same bytes, announced with a wrong size: the stream must refuse them at the end.
        var wrong = layer with { Size = layer.Size + 1 };
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.ReadBlobAsync(destination, wrong, Ct));
        Assert.Equal(ErrorCodes.DigestMismatch, error.Code);
        var missing = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.ReadBlobAsync(destination, layer with { Digest = Digest.Sha256Of("nope"u8) }, Ct));
        Assert.Equal(ErrorCodes.BlobMissing, missing.Code);
        var noManifest = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.GetManifestAsync(destination.WithTag("absent"), cancellationToken: Ct));
        Assert.Equal(ErrorCodes.RegistryManifestNotFound, noManifest.Code);
    }

    [Fact]
    public async Task Pushing_again_uploads_no_blob_bytes()
    {
        var image = TestImage.Create(fixture.Folder.FullName, 4, "v1", 3000, 50_000);
        var destination = Ref("apps/again");
        await PushAsync(image, destination, RegistryFixture.FastOptions());

        var recorder = new RecordingHandler();
        var progress = new ConcurrentBag<BlobTransferProgress>();
        var stats = await PushAsync(image, destination.WithTag("v2"), RegistryFixture.FastOptions(recorder) with { Progress = new SyncProgress(progress.Add) });
        Assert.Equal(new RegistryPushStatistics(0, 3, 0, 0), stats);
        Assert.Equal(0, recorder.UploadedBlobBytes);
        Assert.DoesNotContain(recorder.Requests, r => r.Method == HttpMethod.Post);
        Assert.Equal(3, progress.Count(p => p.Kind == BlobTransferKind.Skipped));
    }

    [Fact]
    public async Task Blobs_in_another_repository_of_the_registry_are_mounted()
    {
        RegistryFixture.RequireSkopeo();
        var image = TestImage.Create(fixture.Folder.FullName, 5, "v1", 2000, 90_000);
        var first = Ref("team-a/app");
        await PushAsync(image, first, RegistryFixture.FastOptions());

        var recorder = new RecordingHandler();
        using var sourceClient = new RegistryClient(RegistryFixture.FastOptions());
        await using var origin = new RegistryImageSource(sourceClient, first);
        var second = Ref("team-b/app");
        var stats = await PushAsync(image, second, RegistryFixture.FastOptions(recorder), origin);
        Assert.Equal(new RegistryPushStatistics(0, 0, 3, 0), stats);
        Assert.Equal(0, recorder.UploadedBlobBytes);
        Assert.Equal(3, recorder.Requests.Count(r => r.Method == HttpMethod.Post && r.Uri.Query.Contains("from=team-a%2Fapp", StringComparison.Ordinal)));

        var copy = Path.Combine(fixture.Folder.FullName, "mounted-copy");
        var result = ProcessRunner.Run("skopeo", ["copy", "--src-tls-verify=false", $"docker://{second}", $"oci:{copy}:m"]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        foreach (var (digest, bytes) in image.Blobs) Assert.Equal(bytes, new OciLayoutReader(copy).ReadBlob(digest));
    }

    [Fact]
    public async Task Tiny_chunks_upload_in_many_patches_and_read_back_identical()
    {
        var image = TestImage.Create(fixture.Folder.FullName, 6, "v1", 300_000);
        var destination = Ref("apps/chunked");
        var recorder = new RecordingHandler();
        var stats = await PushAsync(image, destination, RegistryFixture.FastOptions(recorder) with { ChunkSize = 4096 });
        var layer = image.Layers[0];
        var patches = recorder.Requests.Count(r => r.Method == HttpMethod.Patch);
        Assert.Equal((layer.Size + 4095) / 4096, patches);
        Assert.Equal(image.Blobs.Values.Sum(b => (long)b.Length), stats.BytesUploaded);

        using var client = new RegistryClient(RegistryFixture.FastOptions());
        Assert.Equal(image.Blobs[layer.Digest], await client.ReadBlobAsync(destination, layer, Ct));
        Assert.Equal(image.Root.Digest, (await client.GetManifestAsync(destination, cancellationToken: Ct)).Digest);
    }

    [Fact]
    public async Task Referrers_fall_back_to_the_tag_schema_on_distribution_2_8()
    {
        var image = TestImage.Create(fixture.Folder.FullName, 7, "v1", 1500);
        var destination = Ref("apps/signed");
        await PushAsync(image, destination, RegistryFixture.FastOptions());

        var empty = "{}"u8.ToArray();
        var emptyConfig = new Descriptor { MediaType = "application/vnd.oci.empty.v1+json", Digest = Digest.Sha256Of(empty), Size = empty.Length };
        var sbom = Encoding.UTF8.GetBytes("""{"sbom":"test"}""");
        var sbomLayer = new Descriptor { MediaType = "application/spdx+json", Digest = Digest.Sha256Of(sbom), Size = sbom.Length };
        var artifact = OciDocument<Manifest>.Create(new Manifest
        {
            MediaType = MediaTypes.OciManifest,
            ArtifactType = "application/vnd.example.sbom",
            Config = emptyConfig,
            Layers = [sbomLayer],
            Subject = image.Root,
            Annotations = new Dictionary<string, string> { ["org.opencontainers.image.created"] = "2024-01-01T00:00:00Z" },
        });
        using var client = new RegistryClient(RegistryFixture.FastOptions());
        await using (var sink = new RegistryImageSink(client, destination))
        {
            await sink.WriteBlobAsync(emptyConfig, BlobContent.FromBytes(empty), Ct);
            await sink.WriteBlobAsync(sbomLayer, BlobContent.FromBytes(sbom), Ct);
            await sink.WriteManifestAsync(artifact.Describe(MediaTypes.OciManifest), artifact.Raw, Ct);
            await sink.CommitAsync(Ct);
        }

        var referrers = await client.GetReferrersAsync(destination, image.Root.Digest, cancellationToken: Ct);
        var found = Assert.Single(referrers);
        Assert.Equal(artifact.Digest, found.Digest);
        Assert.Equal("application/vnd.example.sbom", found.ArtifactType);
        Assert.Equal("2024-01-01T00:00:00Z", found.Annotation("org.opencontainers.image.created"));
        Assert.Empty(await client.GetReferrersAsync(destination, image.Root.Digest, "application/other", Ct));
        Assert.Contains(RegistryClient.ReferrersTag(image.Root.Digest), await client.ListTagsAsync(destination, Ct));
        // Pushing it again does not duplicate the entry.
        await client.PutManifestAsync(destination, artifact.Digest.ToString(), MediaTypes.OciManifest, artifact.Raw, Ct);
        Assert.Single(await client.GetReferrersAsync(destination, image.Root.Digest, cancellationToken: Ct));
    }

    [Theory]
    [InlineData(11, 0)]
    [InlineData(12, 4096 * 4)]
    [InlineData(13, 4096)]
    public async Task A_push_through_injected_faults_ends_byte_identical_to_a_clean_push(int seed, int chunkSize)
    {
        var image = TestImage.Create(fixture.Folder.FullName, 20 + seed, "v1", 10_000, 120_000, 400_000);
        using var proxy = new FaultProxy(fixture.Registry.Port, seed, probability: 0.3, maxFaults: 25);
        var options = RegistryFixture.FastOptions() with
        {
            RequestTimeout = TimeSpan.FromSeconds(1),
            UploadTimeout = TimeSpan.FromSeconds(1),
            MaxParallelUploads = 3,
            ChunkSize = chunkSize == 0 ? 16 << 20 : chunkSize,
        };
        var throughProxy = ImageReference.Parse($"{proxy.Host}/faults/s{seed}:v1");
        await PushAsync(image, throughProxy, options);
        Assert.True(proxy.Injected.Values.Sum() > 0, "no fault was injected");

        // Read back directly (no proxy): same manifest digest as the layout, every blob byte-identical.
        var direct = Ref($"faults/s{seed}");
        using var client = new RegistryClient(RegistryFixture.FastOptions());
        var manifest = await client.GetManifestAsync(direct, cancellationToken: Ct);
        Assert.Equal(image.Root.Digest, manifest.Digest);
        foreach (var blob in image.BlobDescriptors) Assert.Equal(SHA256.HashData(image.Blobs[blob.Digest]), SHA256.HashData(await client.ReadBlobAsync(direct, blob, Ct)));

        // And a pull through the faults comes back identical too.
        using var faulty = new RegistryClient(options);
        foreach (var blob in image.BlobDescriptors) Assert.Equal(image.Blobs[blob.Digest], await faulty.ReadBlobAsync(throughProxy, blob, Ct));
    }

    private sealed class SyncProgress(Action<BlobTransferProgress> report) : IProgress<BlobTransferProgress>
    {
        public void Report(BlobTransferProgress value) => report(value);
    }
}
