using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Transports.Layout;

/// <summary>
/// Hostile OCI layouts (issue 12, item 9): nested indexes that fan out into millions of paths over a few documents are walked as a DAG,
/// structural limits give CHB2009, and layout files are read only as regular files of the layout, never past their descriptor's size:
/// a symlink to <c>/dev/zero</c> or <c>/etc/passwd</c> is CHB2008, a FIFO blob is refused without being opened.
/// </summary>
public sealed class HostileLayoutTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-hostile-layout-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Layout => Path.Combine(_root, "layout");

    /// <summary>
    /// A layout whose root index starts <paramref name="levels"/> levels of indexes, each level <paramref name="fanOut"/> distinct indexes
    /// that all list every index of the next level; the last level lists <paramref name="fanOut"/> manifests (one per architecture) sharing
    /// one layer. The root is the first index of the first level: fanOut^levels paths over 1 + (levels - 1) × fanOut + fanOut documents.
    /// </summary>
    private Descriptor FanOutLayout(int levels, int fanOut)
    {
        var single = Path.Combine(_root, "single");
        TestImageLayout.WriteLayout(single, [new TestPlatformImage("linux", "amd64", [TestImageLayout.SampleLayers(1)[1]])], ["1"]);
        Directory.CreateDirectory(Path.Combine(Layout, "blobs"));
        Directory.Move(Path.Combine(single, "blobs", "sha256"), Path.Combine(Layout, "blobs", "sha256"));
        File.Copy(Path.Combine(single, "oci-layout"), Path.Combine(Layout, "oci-layout"));
        var manifest = ReadOnlyManifest(single);
        var level = Enumerable.Range(0, fanOut).Select(i =>
        {
            var variant = OciDocument<Manifest>.Create(manifest.Value with { Annotations = new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
            TestImageLayout.WriteBlob(Layout, variant.Raw.ToArray());
            return variant.Describe(MediaTypes.OciManifest, new Platform { Os = "linux", Architecture = "arch" + i });
        }).ToList();
        for (var depth = levels; depth >= 1; depth--)
        {
            var children = level;
            level = Enumerable.Range(0, fanOut).Select(i =>
            {
                var index = OciDocument<ImageIndex>.Create(new ImageIndex
                {
                    MediaType = MediaTypes.OciIndex, Manifests = children, Annotations = new Dictionary<string, string> { ["level"] = $"{depth}.{i}" },
                });
                TestImageLayout.WriteBlob(Layout, index.Raw.ToArray());
                return index.Describe(MediaTypes.OciIndex);
            }).ToList();
        }
        return WriteIndexJson(level[0]);
    }

    private Descriptor WriteIndexJson(Descriptor root)
    {
        var tagged = root with { Annotations = new Dictionary<string, string> { [OciLayoutFiles.RefNameAnnotation] = "1" } };
        File.WriteAllBytes(Path.Combine(Layout, "index.json"), OciJson.Serialize(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = [tagged] }));
        return root;
    }

    private OciDocument<Manifest> ReadOnlyManifest(string single)
    {
        var indexJson = OciJson.Parse<ImageIndex>(File.ReadAllBytes(Path.Combine(single, "index.json")));
        var raw = File.ReadAllBytes(Path.Combine(Layout, "blobs", "sha256", indexJson.Manifests[0].Digest.Hex));
        return OciDocument<Manifest>.Parse(raw);
    }

    private async Task<IReadOnlyList<PlatformImage>> CollectAsync(CancellationToken ct)
    {
        await using var source = new OciLayoutSource(Layout, null, "oci:" + Layout);
        var images = await source.ResolveAsync(ct);
        return await ImageWalker.CollectAsync(source, images[0].Descriptor, new SilentConversionObserver(), ct);
    }

    private async Task<ConversionResult> ConvertAsync(CancellationToken ct)
    {
        var transports = new ImageTransports(null, null);
        await using var src = transports.OpenSource("oci:" + Layout);
        await using var sink = transports.OpenSink("oci:" + Path.Combine(_root, "out"), out _);
        return await new ImageConverter(new ConversionRequest { TempDirectory = Path.GetTempPath(), Variants = [LayerVariant.ZstdChunked], CacheDirectory = null }).ConvertAsync(src, sink, ct);
    }

    [Fact(Timeout = 300_000)]
    public async Task Seven_levels_of_fan_out_4_give_the_4_distinct_platforms_not_16384()
    {
        FanOutLayout(levels: 7, fanOut: 4);
        var platforms = await CollectAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["arch0", "arch1", "arch2", "arch3"], platforms.Select(p => p.Platform.Architecture));

        var result = await ConvertAsync(TestContext.Current.CancellationToken);
        Assert.Equal(4, Assert.Single(result.Variants).Manifests.Count);
        Assert.Equal(1, result.Variants[0].Converted);
    }

    [Fact(Timeout = 300_000)]
    public async Task Seven_levels_of_fan_out_10_are_walked_once_per_document()
    {
        FanOutLayout(levels: 7, fanOut: 10);
        Assert.Equal(10, (await CollectAsync(TestContext.Current.CancellationToken)).Count);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_layout_pushed_walks_each_document_once()
    {
        var root = FanOutLayout(levels: 5, fanOut: 4);
        var sink = new RecordingSink();
        await LayoutPush.PushAsync(new OciLayoutReader(Layout), root, sink, ["1"], TestContext.Current.CancellationToken);
        Assert.Equal(1 + 4 * 4 + 4, sink.Manifests.Count); // the root, 4 indexes on each of the 4 lower levels, 4 manifests
        Assert.Equal(sink.Manifests.Count, sink.Manifests.Distinct().Count());
        Assert.Equal(root.Digest, sink.Manifests[^1]);
    }

    [Fact(Timeout = 300_000)]
    public async Task More_than_1000_distinct_manifests_and_indexes_is_CHB2009()
    {
        // 2 levels of 40 distinct indexes each listing 40 distinct manifests: 1 + 40 + 1600 documents.
        var single = Path.Combine(_root, "single");
        TestImageLayout.WriteLayout(single, [new TestPlatformImage("linux", "amd64", [TestImageLayout.SampleLayers(1)[1]])], ["1"]);
        Directory.CreateDirectory(Path.Combine(Layout, "blobs"));
        Directory.Move(Path.Combine(single, "blobs", "sha256"), Path.Combine(Layout, "blobs", "sha256"));
        File.Copy(Path.Combine(single, "oci-layout"), Path.Combine(Layout, "oci-layout"));
        var manifest = ReadOnlyManifest(single);
        var indexes = new List<Descriptor>();
        for (var i = 0; i < 40; i++)
        {
            var children = new List<Descriptor>();
            for (var j = 0; j < 40; j++)
            {
                var variant = OciDocument<Manifest>.Create(manifest.Value with { Annotations = new Dictionary<string, string> { ["n"] = $"{i}.{j}" } });
                TestImageLayout.WriteBlob(Layout, variant.Raw.ToArray());
                children.Add(variant.Describe(MediaTypes.OciManifest));
            }
            var index = OciDocument<ImageIndex>.Create(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = children });
            TestImageLayout.WriteBlob(Layout, index.Raw.ToArray());
            indexes.Add(index.Describe(MediaTypes.OciIndex));
        }
        var root = OciDocument<ImageIndex>.Create(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = indexes });
        TestImageLayout.WriteBlob(Layout, root.Raw.ToArray());
        WriteIndexJson(root.Describe(MediaTypes.OciIndex));

        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => CollectAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.ImageLimitExceeded, error.Code);
        Assert.Contains("more than 1000 distinct manifests and indexes", error.Message);
    }

    [Fact]
    public async Task Indexes_nested_9_deep_are_CHB2009()
    {
        FanOutLayout(levels: 9, fanOut: 1);
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => CollectAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.ImageLimitExceeded, error.Code);
        Assert.Contains("indexes nest deeper than 8 levels", error.Message);
    }

    [Fact]
    public async Task A_document_whose_descriptor_claims_more_than_16_MiB_is_CHB2009_before_anything_is_read()
    {
        var root = FanOutLayout(levels: 1, fanOut: 1);
        WriteIndexJson(root with { Size = ImageLimits.MaxDocumentBytes + 1L });
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => CollectAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.ImageLimitExceeded, error.Code);
    }

    /// <summary>A one-image layout tagged "1" (the sample layers) in <see cref="Layout"/>.</summary>
    private void SimpleLayout() =>
        TestImageLayout.WriteLayout(Layout, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(1))], ["1"]);

    private string LargestBlob() => Directory.GetFiles(Path.Combine(Layout, "blobs", "sha256")).OrderByDescending(f => new FileInfo(f).Length).First();

    private static void MakeFifo(string path)
    {
        File.Delete(path);
        var result = ProcessRunner.Run("mkfifo", [path]);
        Assert.True(result.ExitCode == 0, result.StdErr);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_index_json_that_is_a_symlink_to_dev_zero_is_CHB2008_at_once()
    {
        SimpleLayout();
        var index = Path.Combine(Layout, "index.json");
        File.Delete(index);
        File.CreateSymbolicLink(index, "/dev/zero");
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.LayoutFileRefused, error.Code);
        Assert.Contains("'index.json' goes through a symbolic link that leads outside the folder (to '/dev/zero')", error.Message);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_index_json_that_is_a_fifo_is_refused_without_being_opened()
    {
        SimpleLayout();
        MakeFifo(Path.Combine(Layout, "index.json"));
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.NotAnImage, error.Code);
        Assert.Contains("index.json is empty (or not a regular file)", error.Message);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_layer_blob_that_is_a_fifo_is_refused_without_being_opened()
    {
        SimpleLayout();
        var blob = LargestBlob();
        MakeFifo(blob);
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.DigestMismatch, error.Code);
        Assert.Contains($"blob sha256:{Path.GetFileName(blob)}", error.Message);
        Assert.Contains("has 0 bytes, its descriptor says", error.Message);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_blob_folder_that_is_a_symlink_outside_the_layout_is_CHB2008()
    {
        SimpleLayout();
        var outside = Path.Combine(_root, "elsewhere");
        Directory.Move(Path.Combine(Layout, "blobs", "sha256"), outside);
        Directory.CreateSymbolicLink(Path.Combine(Layout, "blobs", "sha256"), outside);
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.LayoutFileRefused, error.Code);
    }

    [Fact]
    public async Task Symlinks_that_stay_inside_the_layout_are_followed()
    {
        SimpleLayout();
        var blob = LargestBlob();
        var shared = Path.Combine(Layout, "shared-store");
        Directory.CreateDirectory(shared);
        File.Move(blob, Path.Combine(shared, "layer"));
        File.CreateSymbolicLink(blob, "../../shared-store/layer");
        var result = await ConvertAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, result.Variants[0].Converted);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_push_never_streams_a_blob_that_is_a_symlink_to_etc_passwd()
    {
        SimpleLayout();
        var passwd = new FileInfo("/etc/passwd");
        var blob = LargestBlob();
        var digest = Digest.Parse("sha256:" + Path.GetFileName(blob));
        // Make the manifest describe the link with /etc/passwd's size, so only the link rule stands between the file and the registry.
        LayoutEditor.EditManifest(Layout, m =>
        {
            foreach (var layer in m["layers"]!.AsArray()) if (layer!["digest"]!.GetValue<string>() == digest.ToString()) layer["size"] = passwd.Length;
        });
        File.Delete(blob);
        File.CreateSymbolicLink(blob, passwd.FullName);
        var reader = new OciLayoutReader(Layout);
        var sink = new RecordingSink();
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => LayoutPush.PushAsync(reader, reader.Resolve("1"), sink, ["1"], TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.LayoutFileRefused, error.Code);
        Assert.DoesNotContain(sink.BlobBytes, bytes => bytes.AsSpan().IndexOf("root:"u8) >= 0);
    }

    [Fact]
    public void A_blob_longer_than_its_descriptor_is_CHB2004_before_it_is_read()
    {
        SimpleLayout();
        var blob = LargestBlob();
        File.AppendAllText(blob, "trailing");
        var reader = new OciLayoutReader(Layout);
        var descriptor = new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Parse("sha256:" + Path.GetFileName(blob)), Size = new FileInfo(blob).Length - 8 };
        var error = Assert.Throws<ChunkedBuildException>(() => reader.OpenBlob(descriptor));
        Assert.Equal(ErrorCodes.DigestMismatch, error.Code);
    }

    /// <summary>A sink that reads every blob it is given and records manifests in write order.</summary>
    private sealed class RecordingSink : IImageSink
    {
        public List<Digest> Manifests { get; } = [];

        public List<byte[]> BlobBytes { get; } = [];

        public string DisplayName => "recording";

        public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default) => Task.FromResult(false);

        public async Task WriteBlobAsync(Descriptor descriptor, BlobContent content, CancellationToken cancellationToken = default)
        {
            await using var stream = await content.Open(cancellationToken);
            var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            BlobBytes.Add(buffer.ToArray());
        }

        public Task WriteManifestAsync(Descriptor descriptor, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken = default)
        {
            Manifests.Add(descriptor.Digest);
            return Task.CompletedTask;
        }

        public Task TagAsync(Descriptor descriptor, string tag, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task CommitAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
