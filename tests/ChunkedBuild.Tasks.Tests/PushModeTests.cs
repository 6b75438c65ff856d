using ChunkedBuild.Core.Oci;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.Packages;
using Xunit;

namespace ChunkedBuild.Tasks.Tests;

/// <summary><c>ContainerRegistry</c> set: the SDK writes an archive under obj/, the task converts it and pushes every tag.</summary>
public sealed class PushModeTests(PublishedImages images, TaskPackageFeed feed)
{
    [Fact]
    public async Task Push_sends_only_the_converted_index_under_every_tag_the_user_asked_for()
    {
        var bases = await images.BaseImagesAsync();
        var registry = await images.RegistryAsync();
        var work = Path.Combine(feed.Folder, "push");
        var app = ConsumerApp.Create(Path.Combine(work, "app"), feed, await feed.FeedAsync());
        const string repository = "apps/chunked-hello";

        var run = app.Publish(bases.RegistryHost,
        [
            $"-p:ContainerBaseImage={bases.Oci}", "-p:ContainerRuntimeIdentifier=linux-x64", $"-p:ContainerRegistry={registry.Host}",
            $"-p:ContainerRepository={repository}", "-p:ContainerImageTags=\"1.0;latest\"", $"-p:ChunkedCacheDirectory={Path.Combine(work, "cache")}",
        ]);

        ConvertedImageAssert.Succeeded(run);
        // The SDK wrote its archive under obj/…/chunked/ instead of pushing; the registry only ever saw the converted index.
        Assert.Contains(Directory.EnumerateFiles(Path.Combine(app.Folder, "obj"), "image.tar", SearchOption.AllDirectories),
            f => Path.GetFileName(Path.GetDirectoryName(f)) == "chunked");
        // Beside the tags asked for, the registry cache's tag: the next publish (on any runner) reuses these conversions.
        using (var tags = Skopeo.Inspect($"docker://{registry.Host}/{repository}:latest"))
            Assert.Equal(["1.0", "chunkedbuild-cache", "latest"], tags.RootElement.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains($"registry cache: 0 hit(s), 6 miss(es), 0 rejected", run.Output);
        Assert.Contains($"recorded 6 new in {registry.Host}/{repository}:chunkedbuild-cache", run.Output);

        // Read back what the registry holds, through skopeo, into a layout the verifiers read.
        var layout = Path.Combine(work, "pulled");
        foreach (var tag in new[] { "1.0", "latest" })
            Skopeo.Copy($"docker://{registry.Host}/{repository}:{tag}", $"oci:{layout}:{tag}", new SkopeoCopyOptions { All = true });
        var roots = await ConvertedImageAssert.LayoutAsync(layout, "oci", ["1.0", "latest"], manifests: 2, ["estargz", "zstd:chunked"]);
        Assert.Equal(["1.0", "latest"], run.Images.Select(i => i.Tag).Order());
        foreach (var image in run.Images)
        {
            Assert.Equal($"{registry.Host}/{repository}:{image.Tag}", image.Reference);
            Assert.Equal(roots[image.Tag].Digest.ToString(), image.Digest);
            Assert.Equal(MediaTypes.OciIndex, image.MediaType);
        }
    }
}
