using System.Text.Json;
using ChunkedBuild.Testing.Images;
using Xunit;

namespace ChunkedBuild.Core.Tests.Images;

/// <summary>The deterministic base images: stable digests, the intended shape, and accepted by skopeo and the registry.</summary>
public sealed class TestBaseImagesTests(PublishedImages images) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("chunkedbuild-bases-").FullName;

    [Fact]
    public void Building_twice_gives_the_same_digests()
    {
        var a = TestBaseImages.BuildMultiArch(Path.Combine(_folder, "a"));
        var b = TestBaseImages.BuildMultiArch(Path.Combine(_folder, "b"));
        Assert.Equal(a.Root, b.Root);
        Assert.Equal(File.ReadAllBytes(Path.Combine(a.Folder, "index.json")), File.ReadAllBytes(Path.Combine(b.Folder, "index.json")));
    }

    [Fact]
    public void Multi_arch_index_has_two_platforms_sharing_the_data_layer()
    {
        var layout = TestBaseImages.BuildMultiArch(Path.Combine(_folder, "m"));
        using var index = TestBaseImages.ReadBlob(layout.Folder, layout.Root);
        var manifests = index.RootElement.GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(["amd64", "arm64"], manifests.Select(m => m.GetProperty("platform").GetProperty("architecture").GetString()));
        var layers = manifests.Select(m =>
        {
            using var manifest = TestBaseImages.ReadBlob(layout.Folder, Ref(m));
            return manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()).ToList();
        }).ToList();
        Assert.Equal(2, layers[0].Count);
        Assert.NotEqual(layers[0][0], layers[1][0]);
        Assert.Equal(layers[0][1], layers[1][1]);
    }

    [Fact]
    public void Single_arch_layout_is_read_by_skopeo_with_a_big_enough_data_layer()
    {
        if (PublishedImages.UnavailableReason is { } reason) Assert.Skip(reason);
        var layout = TestBaseImages.BuildSingleArch(Path.Combine(_folder, "s"));
        using var info = Skopeo.Inspect(layout.SkopeoReference);
        Assert.Equal("amd64", info.RootElement.GetProperty("Architecture").GetString());
        Assert.Equal(layout.Root.Digest, info.RootElement.GetProperty("Digest").GetString());
        using var manifest = TestBaseImages.ReadBlob(layout.Folder, layout.Root);
        var sizes = manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("size").GetInt64()).ToList();
        Assert.True(sizes[1] > 2_000_000, $"data layer is {sizes[1]} bytes");
    }

    [Fact]
    public async Task Registry_holds_oci_docker_and_multi_arch_bases()
    {
        var bases = await images.BaseImagesAsync();
        using var oci = Skopeo.Inspect("docker://" + bases.Oci, raw: true);
        using var docker = Skopeo.Inspect("docker://" + bases.Docker, raw: true);
        using var multi = Skopeo.Inspect("docker://" + bases.Multi, raw: true);
        Assert.Equal(OciLayoutBuilder.ManifestMediaType, oci.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", docker.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(OciLayoutBuilder.IndexMediaType, multi.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(2, multi.RootElement.GetProperty("manifests").GetArrayLength());
        // The format change rewrote media types only: the same gzip blobs.
        Assert.Equal(LayerDigests(oci), LayerDigests(docker));
    }

    [Fact]
    public async Task Skopeo_written_base_layout_and_docker_archive_hold_base_1()
    {
        var bases = await images.BaseImagesAsync();
        using var pushed = Skopeo.Inspect("docker://" + bases.Oci, raw: true);
        var layoutFolder = await images.BaseOciLayoutAsync();
        using var layoutIndex = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layoutFolder, "index.json")));
        var entry = Assert.Single(layoutIndex.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal(TestBaseImages.Tag, entry.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());
        using var fromLayout = Skopeo.Inspect($"oci:{layoutFolder}:{TestBaseImages.Tag}", raw: true);
        Assert.Equal(LayerDigests(pushed), LayerDigests(fromLayout));

        var archive = ImageArchive.Read(await images.BaseDockerArchiveAsync());
        using var manifestJson = archive.Json("manifest.json");
        var image = Assert.Single(manifestJson.RootElement.EnumerateArray());
        Assert.Equal(["docker.io/library/base:1"], image.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, image.GetProperty("Layers").GetArrayLength());
    }

    private static BlobRef Ref(JsonElement descriptor) =>
        new(descriptor.GetProperty("mediaType").GetString()!, descriptor.GetProperty("digest").GetString()!, descriptor.GetProperty("size").GetInt64());

    private static List<string?> LayerDigests(JsonDocument manifest) =>
        manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()).ToList();

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
