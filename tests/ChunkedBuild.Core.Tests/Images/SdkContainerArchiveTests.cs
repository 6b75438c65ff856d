using System.Formats.Tar;
using System.Text.Json;
using ChunkedBuild.Testing.Images;
using Xunit;

namespace ChunkedBuild.Core.Tests.Images;

/// <summary>
/// The SDK's PublishContainer archives made by <see cref="PublishedImages"/> have the shapes of docs/sdk-containers.md §1.2
/// records, which the image readers must accept; skopeo reads each of them.
/// </summary>
public sealed class SdkContainerArchiveTests(PublishedImages images)
{
    [Fact]
    public async Task Oci_archive_is_an_oci_layout_tar_with_an_empty_platform_and_the_base_layers_unchanged()
    {
        var published = await images.OciArchiveAsync();
        var archive = ImageArchive.Read(published.ArchivePath);
        Assert.DoesNotContain(archive.Entries, e => e.Type == TarEntryType.Directory);
        using var layoutVersion = archive.Json("oci-layout");
        Assert.Equal("1.0.0", layoutVersion.RootElement.GetProperty("imageLayoutVersion").GetString());
        using var index = archive.Json("index.json");
        var entry = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", entry.GetProperty("mediaType").GetString());
        Assert.Equal(JsonValueKind.Object, entry.GetProperty("platform").ValueKind);
        Assert.Empty(entry.GetProperty("platform").EnumerateObject());

        using var manifest = archive.Blob(entry.GetProperty("digest").GetString()!);
        var layers = Digests(manifest.RootElement.GetProperty("layers"));
        using var baseManifest = Skopeo.Inspect("docker://" + published.BaseImage, raw: true);
        var baseLayers = Digests(baseManifest.RootElement.GetProperty("layers"));
        Assert.Equal(baseLayers.Count + 1, layers.Count);
        Assert.Equal(baseLayers, layers.Take(baseLayers.Count));
        foreach (var digest in layers)
            Assert.Equal(new byte[] { 0x1f, 0x8b }, archive.Content("blobs/sha256/" + digest["sha256:".Length..])[..2]);

        using var info = Skopeo.Inspect("oci-archive:" + published.ArchivePath);
        Assert.Equal("amd64", info.RootElement.GetProperty("Architecture").GetString());
        Assert.Equal(layers, Digests(info.RootElement.GetProperty("Layers")));
    }

    [Fact]
    public async Task Docker_archive_has_manifest_json_tags_and_gzip_layer_tars()
    {
        var published = await images.DockerArchiveAsync();
        var archive = ImageArchive.Read(published.ArchivePath);
        Assert.DoesNotContain(archive.Entries, e => e.Name is "index.json" or "oci-layout");
        using var manifestJson = archive.Json("manifest.json");
        var image = Assert.Single(manifestJson.RootElement.EnumerateArray());
        Assert.Equal(["hello:1.0", "hello:latest"], image.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()).Order());
        var layerNames = image.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Equal(3, layerNames.Count);
        foreach (var name in layerNames)
        {
            Assert.EndsWith("/layer.tar", name);
            Assert.Equal(new byte[] { 0x1f, 0x8b }, archive.Content(name)[..2]);
        }
        using var config = archive.Json(image.GetProperty("Config").GetString()!);
        Assert.Equal(3, config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").GetArrayLength());

        using var info = Skopeo.Inspect("docker-archive:" + published.ArchivePath);
        Assert.Equal("amd64", info.RootElement.GetProperty("Architecture").GetString());
        Assert.Equal(3, info.RootElement.GetProperty("Layers").GetArrayLength());
    }

    [Fact]
    public async Task Multi_rid_archive_points_to_a_nested_index_of_two_platforms_with_duplicate_entries()
    {
        var published = await images.MultiRidArchiveAsync();
        var archive = ImageArchive.Read(published.ArchivePath);
        using var index = archive.Json("index.json");
        var entry = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal("application/vnd.oci.image.index.v1+json", entry.GetProperty("mediaType").GetString());
        using var nested = archive.Blob(entry.GetProperty("digest").GetString()!);
        var platforms = nested.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => m.GetProperty("platform").GetProperty("os").GetString() + "/" + m.GetProperty("platform").GetProperty("architecture").GetString())
            .Order().ToList();
        Assert.Equal(["linux/amd64", "linux/arm64"], platforms);
        // The data layer both base platforms share is written once per platform.
        Assert.NotEmpty(archive.DuplicateNames);
        Assert.All(archive.DuplicateNames, name => Assert.StartsWith("blobs/sha256/", name));

        using var raw = Skopeo.Inspect("oci-archive:" + published.ArchivePath, raw: true);
        Assert.Equal(2, raw.RootElement.GetProperty("manifests").GetArrayLength());
        using var info = Skopeo.Inspect("oci-archive:" + published.ArchivePath);
        Assert.Equal(3, info.RootElement.GetProperty("Layers").GetArrayLength());
    }

    private static List<string> Digests(JsonElement layers) =>
        layers.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.String ? l.GetString()! : l.GetProperty("digest").GetString()!).ToList();
}
