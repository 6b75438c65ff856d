using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Oci;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion.Caching;

/// <summary>
/// Conversions shared through a registry (docs/registry-cache.md), against Debian's docker-registry on 127.0.0.1: fresh runners (empty local
/// caches) reuse each other's conversions and publish the bytes a cold conversion gives; damaged and forged entries are found, reported and
/// converted again, never published.
/// </summary>
public sealed class RegistryCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-regcache-").FullName;
    private readonly RegistryImageTransport _transport = new(new RegistryClientOptions());

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LocalRegistry StartRegistry()
    {
        Assert.SkipUnless(LocalRegistry.IsAvailable, "docker-registry is not installed (the CI script installs it)");
        return LocalRegistry.Start();
    }

    /// <summary>An app image: the shared base layer and an app layer that differs per <paramref name="release"/>.</summary>
    private string Release(int release)
    {
        var folder = Path.Combine(_root, $"release-{release}");
        if (!Directory.Exists(folder))
            TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(release))], ["1.0"]);
        return folder;
    }

    /// <summary>A conversion on a fresh runner: its own empty converted-layer cache.</summary>
    private async Task<(ConversionResult Result, List<string> Warnings)> FreshRunnerAsync(string source, string destination, RegistryCacheOptions? cache = null)
    {
        var warnings = new List<string>();
        var request = new ConversionRequest
        {
            TempDirectory = Path.GetTempPath(),
            CacheDirectory = Directory.CreateDirectory(Path.Combine(_root, "runner-" + Guid.NewGuid().ToString("N"))).FullName,
            RegistryCache = cache ?? new RegistryCacheOptions(),
        };
        var transports = new ImageTransports(_transport, null);
        await using var src = transports.OpenSource(source);
        await using var sink = transports.OpenSink(destination, out var tag);
        if (tag is not null) request = request with { Tags = [tag] };
        var result = await new ImageConverter(request, new Warnings(warnings), _transport).ConvertAsync(src, sink, Ct);
        return (result, warnings);
    }

    private async Task<Digest> ColdAsync(string source, string name)
    {
        var (cold, _) = await FreshRunnerAsync(source, "oci:" + Path.Combine(_root, name), new RegistryCacheOptions { Enabled = false });
        Assert.All(cold.Variants, v => Assert.Equal(0, v.Shared));
        return cold.Tags.Single().Descriptor.Digest;
    }

    [Fact]
    public async Task A_second_fresh_runner_converts_only_the_changed_app_layer_and_publishes_what_a_cold_conversion_gives()
    {
        using var registry = StartRegistry();
        var (first, firstWarnings) = await FreshRunnerAsync("oci:" + Release(1), $"docker://{registry.Host}/shop/app:1");
        Assert.Empty(firstWarnings);
        Assert.All(first.Variants, v => Assert.Equal((2, 0), (v.Converted, v.Shared)));
        Assert.Equal((0, 4, 0, 4), (first.RegistryCache!.Hits, first.RegistryCache.Misses, first.RegistryCache.Rejected, first.RegistryCache.Recorded));
        Assert.Equal($"{registry.Host}/shop/app:{RegistryCacheOptions.DefaultTag}", first.RegistryCache.RecordedTo);

        var (second, secondWarnings) = await FreshRunnerAsync("oci:" + Release(2), $"docker://{registry.Host}/shop/app:2");
        Assert.Empty(secondWarnings);
        // The base layer comes from the registry cache in each variant; only the new app layer is converted.
        Assert.All(second.Variants, v => Assert.Equal((1, 1, 0), (v.Converted, v.Shared, v.Reused)));
        Assert.Equal((2, 2, 0, 2), (second.RegistryCache!.Hits, second.RegistryCache.Misses, second.RegistryCache.Rejected, second.RegistryCache.Recorded));
        var baseBlobs = second.Variants.SelectMany(v => v.Manifests[0].Layers.Take(1)).ToList();
        Assert.All(baseBlobs, l => Assert.Equal(LayerOutcome.RegistryCached, l.Outcome));
        Assert.Equal(baseBlobs.Sum(l => l.Descriptor.Size), second.RegistryCache.BytesSaved);

        // Byte for byte what a runner without any cache publishes.
        Assert.Equal(await ColdAsync("oci:" + Release(2), "cold"), second.Tags.Single().Descriptor.Digest);
        await using var pushed = _transport.CreateSource(ChunkedBuild.Core.Transports.ImageLocation.Parse($"docker://{registry.Host}/shop/app:2", mustExist: false));
        Assert.Equal(second.Tags.Single().Descriptor.Digest, Assert.Single(await pushed.ResolveAsync(Ct)).Descriptor.Digest);

        // The cache now holds both releases' layers, most recent first.
        var cached = await CacheRecordsAsync(registry, "shop/app");
        Assert.Equal(6, cached.Count);
        Assert.Equal(second.Variants.SelectMany(v => v.Manifests[0].Layers).Select(l => l.Descriptor.Digest.ToString()).Order(StringComparer.Ordinal),
            cached.Take(4).Select(r => r.Blob.Digest.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_fresh_runner_whose_layers_all_hit_checks_the_estargz_entries_against_the_verified_zstd_chunked_blob_and_never_reads_the_source_layers()
    {
        using var registry = StartRegistry();
        await FreshRunnerAsync("oci:" + Release(1), $"docker://{registry.Host}/shop/app:1");
        // The same image, its layer blobs gone: every check of a hit must do without them. zstd:chunked hits are proven by their DiffID;
        // the eStargz hits' origin (the source's entries) then comes from those proven blobs, not from the source layers.
        var withoutLayers = Path.Combine(_root, "without-layers");
        CopyDirectory(Release(1), withoutLayers);
        foreach (var layer in LayerDigests(withoutLayers)) File.Delete(Path.Combine(withoutLayers, "blobs", "sha256", layer));
        var (again, warnings) = await FreshRunnerAsync("oci:" + withoutLayers, $"docker://{registry.Host}/shop/app:again");
        Assert.Empty(warnings);
        Assert.Equal((4, 0, 0), (again.RegistryCache!.Hits, again.RegistryCache.Misses, again.RegistryCache.Rejected));
        Assert.Equal(await ColdAsync("oci:" + Release(1), "cold"), again.Tags.Single().Descriptor.Digest);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>The hex digests of the layers of the one image in an OCI layout.</summary>
    private static IEnumerable<string> LayerDigests(string layout)
    {
        string Blob(string digest) => File.ReadAllText(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]));
        using var index = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "index.json")));
        using var manifest = System.Text.Json.JsonDocument.Parse(Blob(index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!));
        return [.. manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!["sha256:".Length..])];
    }

    [Fact]
    public async Task A_cache_in_another_repository_is_read_with_cache_from_and_its_blobs_are_mounted()
    {
        using var registry = StartRegistry();
        await FreshRunnerAsync("oci:" + Release(1), $"docker://{registry.Host}/team/base-cache:1");
        var (result, warnings) = await FreshRunnerAsync("oci:" + Release(2), $"docker://{registry.Host}/team/app:2",
            new RegistryCacheOptions { CacheFrom = [$"docker://{registry.Host}/team/base-cache"] });
        Assert.Empty(warnings);
        Assert.Equal(2, result.RegistryCache!.Hits);
        Assert.Equal([$"{registry.Host}/team/app:{RegistryCacheOptions.DefaultTag}", $"{registry.Host}/team/base-cache:{RegistryCacheOptions.DefaultTag}"],
            result.RegistryCache.LookedUp);
        Assert.Contains("mount=", registry.Log, StringComparison.Ordinal);
        Assert.Equal(await ColdAsync("oci:" + Release(2), "cold"), result.Tags.Single().Descriptor.Digest);
        // The destination's own cache now records all four layers (the mounted ones too).
        Assert.Equal(4, (await CacheRecordsAsync(registry, "team/app")).Count);
    }

    [Fact]
    public async Task A_cached_blob_replaced_in_the_registry_storage_is_found_converted_again_and_never_published()
    {
        using var registry = StartRegistry();
        var (first, _) = await FreshRunnerAsync("oci:" + Release(1), $"docker://{registry.Host}/shop/app:1");
        var estargzBase = first.Variants.Single(v => v.Variant == LayerVariant.EStargz).Manifests[0].Layers[0].Descriptor;

        // Bit rot, or a hand on the disk: other bytes of the same size under the same digest.
        var data = Path.Combine(registry.Root, "data", "docker", "registry", "v2", "blobs", "sha256", estargzBase.Digest.Hex[..2], estargzBase.Digest.Hex, "data");
        var bytes = File.ReadAllBytes(data);
        Array.Reverse(bytes);
        File.WriteAllBytes(data, bytes);

        // A runner writing elsewhere reads the cache: the damaged entry is reported, that layer converted, the rest reused.
        var output = Path.Combine(_root, "out");
        var (second, warnings) = await FreshRunnerAsync("oci:" + Release(1), "oci:" + output, new RegistryCacheOptions { CacheFrom = [$"{registry.Host}/shop/app"] });
        var warning = Assert.Single(warnings);
        Assert.StartsWith(ErrorCodes.RegistryCacheEntryRejected, warning);
        Assert.Contains(estargzBase.Digest.ToString(), warning);
        Assert.Contains("do not hash", warning);
        Assert.Equal((3, 1, 1), (second.RegistryCache!.Hits, second.RegistryCache.Misses, second.RegistryCache.Rejected));
        Assert.Equal(LayerOutcome.Converted, second.Variants.Single(v => v.Variant == LayerVariant.EStargz).Manifests[0].Layers[0].Outcome);
        Assert.Equal(await ColdAsync("oci:" + Release(1), "cold"), second.Tags.Single().Descriptor.Digest);
        ConvertedImageVerifier.Verify(output, "1.0");

        // A runner pushing to that registry converts the layer again, to the same digest, whose stored copy the registry cannot replace:
        // the push reads it back, finds it damaged and tags nothing.
        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => FreshRunnerAsync("oci:" + Release(1), $"docker://{registry.Host}/shop/app:again"));
        Assert.Equal(ErrorCodes.RegistryBlobDamaged, e.Code);
        Assert.Contains(estargzBase.Digest.ToString(), e.Message);
        using var client = new RegistryClient(new RegistryClientOptions());
        Assert.DoesNotContain("again", await client.ListTagsAsync(ImageReference.Parse($"{registry.Host}/shop/app"), Ct));
    }

    [Fact]
    public async Task A_forged_entry_pointing_at_another_valid_layer_is_found_and_never_published()
    {
        using var registry = StartRegistry();
        await FreshRunnerAsync("oci:" + Release(1), $"docker://{registry.Host}/shop/app:1");

        // Whoever can write the cache tag points the app layer's entries at the base layer's (valid, present) blobs, with those blobs' own
        // annotations and DiffIDs (eStargz), or claiming the source's DiffID (zstd:chunked).
        var records = await CacheRecordsAsync(registry, "shop/app");
        var forged = records.Select(r =>
        {
            if (r.Source == records[0].Source) return r; // the base layer's own records stay
            var donor = records.First(d => d.Format == r.Format && d.Source != r.Source);
            return r with { Blob = donor.Blob, DiffId = r.Format == "zstd-chunked" ? r.SourceDiffId : donor.DiffId };
        }).ToList();
        Assert.NotEqual(records.Select(r => r.Blob.Digest), forged.Select(r => r.Blob.Digest));
        using var client = new RegistryClient(new RegistryClientOptions());
        var cacheReference = ImageReference.Parse($"{registry.Host}/shop/app:{RegistryCacheOptions.DefaultTag}");
        await client.PutManifestAsync(cacheReference, RegistryCacheOptions.DefaultTag, MediaTypes.OciManifest, LayerCacheManifest.Create(forged).Raw, Ct);

        var output = Path.Combine(_root, "out");
        var (second, warnings) = await FreshRunnerAsync("oci:" + Release(1), "oci:" + output, new RegistryCacheOptions { CacheFrom = [$"{registry.Host}/shop/app"] });
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.StartsWith(ErrorCodes.RegistryCacheEntryRejected, w));
        Assert.Contains(warnings, w => w.Contains("does not hold the source layer's entries", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("not a valid zstd-chunked layer", StringComparison.Ordinal));
        Assert.Equal((2, 2, 2), (second.RegistryCache!.Hits, second.RegistryCache.Misses, second.RegistryCache.Rejected));
        Assert.Equal(await ColdAsync("oci:" + Release(1), "cold"), second.Tags.Single().Descriptor.Digest);
    }

    [Fact]
    public async Task An_entry_with_an_extra_annotation_is_refused_before_its_blob_is_read()
    {
        using var registry = StartRegistry();
        await FreshRunnerAsync("oci:" + Release(1), $"docker://{registry.Host}/shop/app:1");
        var records = await CacheRecordsAsync(registry, "shop/app");
        var forged = records.Select(r => r with
        {
            Blob = r.Blob with { Annotations = new Dictionary<string, string>(r.Blob.Annotations!) { ["org.opencontainers.image.source"] = "https://evil.example" } },
        }).ToList();
        using var client = new RegistryClient(new RegistryClientOptions());
        await client.PutManifestAsync(ImageReference.Parse($"{registry.Host}/shop/app:{RegistryCacheOptions.DefaultTag}"), RegistryCacheOptions.DefaultTag,
            MediaTypes.OciManifest, LayerCacheManifest.Create(forged).Raw, Ct);

        var (second, warnings) = await FreshRunnerAsync("oci:" + Release(1), "oci:" + Path.Combine(_root, "out"), new RegistryCacheOptions { CacheFrom = [$"{registry.Host}/shop/app"] });
        Assert.Equal(4, warnings.Count(w => w.Contains("its annotations are", StringComparison.Ordinal)));
        Assert.All(second.Variants, v => Assert.Equal(2, v.Converted));
        Assert.DoesNotContain(second.Variants.SelectMany(v => v.Manifests[0].Layers), l => l.Descriptor.Annotations!.ContainsKey("org.opencontainers.image.source"));
    }

    [Fact]
    public async Task No_registry_cache_reads_and_writes_nothing()
    {
        using var registry = StartRegistry();
        var (result, _) = await FreshRunnerAsync("oci:" + Release(1), $"docker://{registry.Host}/shop/app:1", new RegistryCacheOptions { Enabled = false });
        Assert.Null(result.RegistryCache);
        using var client = new RegistryClient(new RegistryClientOptions());
        Assert.DoesNotContain(RegistryCacheOptions.DefaultTag, await client.ListTagsAsync(ImageReference.Parse($"{registry.Host}/shop/app"), Ct));
    }

    private static async Task<IReadOnlyList<SharedLayerRecord>> CacheRecordsAsync(LocalRegistry registry, string repository)
    {
        using var client = new RegistryClient(new RegistryClientOptions());
        var manifest = await client.GetManifestAsync(ImageReference.Parse($"{registry.Host}/{repository}:{RegistryCacheOptions.DefaultTag}"), cancellationToken: Ct);
        return LayerCacheManifest.Parse(manifest.Raw) ?? throw new InvalidOperationException("not a cache manifest");
    }

    private sealed class Warnings(List<string> warnings) : IConversionObserver
    {
        public void Warning(string code, string message)
        {
            lock (warnings) warnings.Add($"{code}: {message}");
        }
    }
}
