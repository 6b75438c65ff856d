using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.Packages;
using Xunit;

namespace ChunkedBuild.Tasks.Tests;

/// <summary><c>ContainerArchiveOutputPath</c> set: the SDK's archive is replaced by an OCI archive of the converted image.</summary>
public sealed class ArchiveModeTests(PublishedImages images, TaskPackageFeed feed)
{
    [Fact]
    public async Task Archive_folder_is_converted_in_place_and_a_second_publish_reuses_the_converted_base_layers()
    {
        var bases = await images.BaseImagesAsync();
        var app = ConsumerApp.Create(Path.Combine(feed.Folder, "archive-folder", "app"), feed, await feed.FeedAsync());
        var output = Path.Combine(feed.Folder, "archive-folder", "out") + Path.DirectorySeparatorChar;
        string[] properties =
        [
            $"-p:ContainerBaseImage={bases.Oci}", "-p:ContainerRuntimeIdentifier=linux-x64", $"-p:ContainerArchiveOutputPath={output}",
            "-p:ContainerImageTags=\"1.0;latest\"", $"-p:ChunkedCacheDirectory={Path.Combine(feed.Folder, "archive-folder", "cache")}",
        ];

        var first = app.Publish(bases.RegistryHost, properties);
        ConvertedImageAssert.Succeeded(first);
        var archive = Path.Combine(output, "hello.tar.gz");  // a folder resolves as the SDK resolves it
        Assert.Single(Directory.GetFiles(output));             // the temporary file of the atomic replace is gone
        var roots = await ConvertedImageAssert.LayoutAsync(archive, "oci-archive", ["1.0", "latest"], manifests: 2, ["estargz", "zstd:chunked"]);
        Assert.Equal(["1.0", "latest"], first.Images.Select(i => i.Tag).Order());
        foreach (var image in first.Images)
        {
            Assert.Equal($"oci-archive:{archive}:{image.Tag}", image.Reference);
            Assert.Equal(roots[image.Tag].Digest.ToString(), image.Digest);
            Assert.Equal(MediaTypes.OciIndex, image.MediaType);
            Assert.Equal("estargz,zstd-chunked", image.Variant);
        }
        Assert.Contains("estargz: 1 platform(s), converted 3, reused 0", first.Output);

        // The app layer changes on every publish (the SDK writes real mtimes); the two base layers come from the cache.
        var second = app.Publish(bases.RegistryHost, properties);
        ConvertedImageAssert.Succeeded(second);
        Assert.Contains("estargz: 1 platform(s), converted 1, reused 2, kept 0", second.Output);
        Assert.Contains("zstd-chunked: 1 platform(s), converted 1, reused 2, kept 0", second.Output);
        await ConvertedImageAssert.LayoutAsync(archive, "oci-archive", ["1.0", "latest"], manifests: 2, ["estargz", "zstd:chunked"]);
    }

    [Fact]
    public async Task Docker_archive_becomes_an_oci_archive_with_one_tag_per_variant_and_the_original_kept()
    {
        var bases = await images.BaseImagesAsync();
        var app = ConsumerApp.Create(Path.Combine(feed.Folder, "archive-docker", "app"), feed, await feed.FeedAsync());
        var archive = Path.Combine(feed.Folder, "archive-docker", "out", "image.tar");
        var run = app.Publish(bases.RegistryHost,
        [
            $"-p:ContainerBaseImage={bases.Docker}", "-p:ContainerRuntimeIdentifier=linux-x64", $"-p:ContainerArchiveOutputPath={archive}",
            "-p:ContainerImageTags=1.0", "-p:ChunkedVariants=zstd-chunked", "-p:ChunkedPublish=tags", "-p:ChunkedKeepOriginal=true",
            // the SDK's layers hold no sparse files, so refuse changes nothing: the property only has to reach the task
            "-p:ChunkedSparse=refuse", $"-p:ChunkedCacheDirectory={Path.Combine(feed.Folder, "archive-docker", "cache")}",
        ]);

        ConvertedImageAssert.Succeeded(run);
        Assert.True(new OciLayoutReader(archive).Index.Value.Manifests.Count > 0);
        await ConvertedImageAssert.LayoutAsync(archive, "oci-archive", ["1.0-zstdchunked"], manifests: 1, ["zstd:chunked"]);
        await ConvertedImageAssert.LayoutAsync(archive, "oci-archive", ["1.0"], manifests: 1, ["plain"]);
        Assert.Equal(["1.0", "1.0-zstdchunked"], run.Images.Select(i => i.Tag).Order());
        Assert.Equal("zstd-chunked", run.Images.Single(i => i.Tag == "1.0-zstdchunked").Variant);
        Assert.Equal("original", run.Images.Single(i => i.Tag == "1.0").Variant);
        Assert.All(run.Images, i => Assert.Equal(MediaTypes.OciManifest, i.MediaType));
    }

    [Fact]
    public async Task Multi_rid_publish_becomes_one_index_of_every_platform_and_variant()
    {
        var bases = await images.BaseImagesAsync();
        var app = ConsumerApp.Create(Path.Combine(feed.Folder, "archive-multi", "app"), feed, await feed.FeedAsync());
        var archive = Path.Combine(feed.Folder, "archive-multi", "out", "multi.tar");
        var run = app.Publish(bases.RegistryHost,
        [
            $"-p:ContainerBaseImage={bases.Multi}", "-p:RuntimeIdentifiers=\"linux-x64;linux-arm64\"", $"-p:ContainerArchiveOutputPath={archive}",
            $"-p:ChunkedCacheDirectory={Path.Combine(feed.Folder, "archive-multi", "cache")}",
        ]);

        ConvertedImageAssert.Succeeded(run);
        var roots = await ConvertedImageAssert.LayoutAsync(archive, "oci-archive", ["latest"], manifests: 4, ["estargz", "zstd:chunked"]);
        var index = new OciLayoutReader(archive).ReadDocument<ImageIndex>(roots["latest"]).Value;
        Assert.Equal(["amd64", "amd64", "arm64", "arm64"], index.Manifests.Select(m => m.Platform!.Architecture).Order());
        Assert.Contains("estargz: 2 platform(s)", run.Output);
        Assert.Equal(roots["latest"].Digest.ToString(), Assert.Single(run.Images).Digest);
    }

    [Fact]
    public async Task Local_daemon_publish_warns_that_nothing_was_converted()
    {
        var bases = await images.BaseImagesAsync();
        var app = ConsumerApp.Create(Path.Combine(feed.Folder, "daemon", "app"), feed, await feed.FeedAsync());
        // No docker or podman here: the SDK's own push fails afterwards; the warning comes before it.
        var run = app.Publish(bases.RegistryHost, [$"-p:ContainerBaseImage={bases.Oci}", "-p:ContainerRuntimeIdentifier=linux-x64"]);

        Assert.Contains("warning CHB5001", run.Output);
        Assert.Empty(run.Images);
    }
}
