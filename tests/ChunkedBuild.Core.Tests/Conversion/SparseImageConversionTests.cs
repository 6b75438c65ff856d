using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Corpus;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion;

/// <summary>
/// An image with a layer GNU tar wrote with <c>--sparse</c>: by default the layer is densified in both variants, so it gets a new
/// DiffID in each and the config's <c>rootfs.diff_ids</c> is rewritten (as for <c>--zstd-order prioritized</c>) while the other layer
/// keeps its DiffID; the result names the densified entries, from the cache too. <see cref="SparseMode.Refuse"/> keeps the layer in
/// its original compression with CHB1102 (an error when strict).
/// </summary>
public sealed class SparseImageConversionTests(TarCorpus corpus) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-sparse-image-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (string Layout, byte[] Plain, byte[] Sparse, BuiltTar Built) Image()
    {
        var built = corpus.Get(new TarCorpusCase("gnu-posix-sparse-1.0", "", withBigFiles: false, sparse: true));
        var plain = TestImageLayout.SampleLayers(3)[0];
        var sparse = File.ReadAllBytes(built.Path);
        var folder = Path.Combine(_root, "src");
        TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", [plain, sparse])], ["1"]);
        return (folder, plain, sparse, built);
    }

    private async Task<ConversionResult> ConvertAsync(string source, string destination, ConversionRequest request)
    {
        var transports = new ImageTransports(null, null);
        await using var src = transports.OpenSource(source);
        await using var sink = transports.OpenSink(destination, out var tag);
        return await new ImageConverter(tag is null ? request : request with { Tags = [tag] }).ConvertAsync(src, sink, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_sparse_layer_is_densified_in_both_variants_and_the_config_gets_its_new_diffid()
    {
        var (layout, plain, sparse, built) = Image();
        var cache = Path.Combine(_root, "cache");
        var output = Path.Combine(_root, "out");
        var result = await ConvertAsync("oci:" + layout, "oci:" + output + ":1", new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = cache, Prioritization = PrioritizationMode.None });

        var sparseNames = built.Entries.Where(e => e.Spec.Content.DataRegions is not null && e.Spec.Kind == TarEntryKind.File).Select(e => e.ArchiveName).ToList();
        Assert.All(result.Variants, v => Assert.Equal((2, 0), (v.Converted, v.Kept)));
        Assert.All(result.Variants, v => Assert.Empty(v.Manifests[0].Layers[0].DensifiedEntries));
        Assert.All(result.Variants, v => Assert.Equal(sparseNames, v.Manifests[0].Layers[1].DensifiedEntries.Select(d => d.Name)));
        Assert.DoesNotContain(result.Warnings, w => w.Contains(ErrorCodes.SparseFile, StringComparison.Ordinal));

        // every DiffID in every config is the sha256 of its decompressed layer, and the oracle accepts every layer
        var layers = ConvertedImageVerifier.Verify(output, "1");
        Assert.Equal(["estargz", "estargz", "zstd:chunked", "zstd:chunked"], layers.Select(l => l.Kind));
        var zstd = layers.Where(l => l.Kind == "zstd:chunked").ToList();
        Assert.Equal(Digest.Sha256Of(plain), zstd[0].DiffId); // zstd:chunked keeps the tar of the plain layer...
        Assert.NotEqual(Digest.Sha256Of(sparse), zstd[1].DiffId); // ...and writes the densified tar for the sparse one
        var reader = new OciLayoutReader(output);
        var zstdManifest = ConvertedImageVerifier.Manifests(reader, reader.Resolve("1")).Last();
        var config = ImageConfig.Parse(reader.ReadBlob(reader.ReadDocument<Manifest>(zstdManifest).Value.Config.Digest));
        Assert.Equal([Digest.Sha256Of(plain), zstd[1].DiffId], config.DiffIds);

        // the cache remembers what was densified
        var warm = await ConvertAsync("oci:" + layout, "oci:" + Path.Combine(_root, "out2") + ":1", new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = cache, Prioritization = PrioritizationMode.None });
        Assert.All(warm.Variants, v => Assert.Equal((0, 2), (v.Converted, v.Reused)));
        Assert.All(warm.Variants, v => Assert.Equal(result.Variants.Single(r => r.Variant == v.Variant).Manifests[0].Layers[1].DensifiedEntries, v.Manifests[0].Layers[1].DensifiedEntries));
        Assert.Equal(File.ReadAllText(Path.Combine(output, "index.json")), File.ReadAllText(Path.Combine(_root, "out2", "index.json")));
    }

    [Fact]
    public async Task Refuse_keeps_the_sparse_layer_and_its_diffid_with_CHB1102_and_strict_makes_it_an_error()
    {
        var (layout, _, sparse, _) = Image();
        var output = Path.Combine(_root, "out");
        var result = await ConvertAsync("oci:" + layout, "oci:" + output + ":1", new ConversionRequest { TempDirectory = Path.GetTempPath(), Sparse = SparseMode.Refuse, Prioritization = PrioritizationMode.None });
        Assert.All(result.Variants, v => Assert.Equal((1, 1), (v.Converted, v.Kept)));
        Assert.Contains(result.Warnings, w => w.StartsWith(ErrorCodes.SparseFile, StringComparison.Ordinal) && w.Contains("sparse/all-hole.bin", StringComparison.Ordinal));
        var layers = ConvertedImageVerifier.Verify(output, "1");
        Assert.Equal(["estargz", "plain", "zstd:chunked", "plain"], layers.Select(l => l.Kind));
        Assert.All(layers.Where(l => l.Kind == "plain"), l => Assert.Equal(Digest.Sha256Of(sparse), l.DiffId));

        Directory.Delete(output, recursive: true);
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + layout, "oci:" + output + ":1",
            new ConversionRequest { TempDirectory = Path.GetTempPath(), Sparse = SparseMode.Refuse, Strict = true, Prioritization = PrioritizationMode.None }));
        Assert.Equal(ErrorCodes.SparseFile, error.Code);
        Assert.False(Directory.Exists(output));
    }
}
