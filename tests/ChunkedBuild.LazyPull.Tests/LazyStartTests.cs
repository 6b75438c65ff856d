using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Testing.LazyPull;
using Xunit;

namespace ChunkedBuild.LazyPull.Tests;

/// <summary>
/// Converted images started the way their users start them: Debian's containerd and runc, the real stargz-snapshotter filesystem (the
/// project's main over Debian's library), Debian's <c>ctr-remote image rpull</c>, <c>ctr run --snapshotter stargz</c>, from Debian's
/// docker-registry on 127.0.0.1 (<see cref="LazyStartRun"/>). A lazy start means every check of <see cref="LazyStartCheck"/> holds; two
/// deliberately broken images show that each check catches what it names.
/// </summary>
public sealed class LazyStartTests(LazyStartImages images)
{
    [Fact]
    public async Task Sdk_archive_converted_by_the_cli_starts_lazily_with_every_layer_verified_and_prefetched()
    {
        var registry = await images.RegistryAsync();
        var run = await LazyStartRun.RunAsync(registry, await images.CliImageAsync());

        AssertLazyStart(run);
    }

    [Fact]
    public async Task Image_pushed_by_the_msbuild_task_starts_lazily_with_every_layer_verified_and_prefetched()
    {
        var registry = await images.RegistryAsync();
        var run = await LazyStartRun.RunAsync(registry, await images.TaskImageAsync());

        AssertLazyStart(run);
    }

    [Fact]
    public async Task A_wrong_toc_digest_annotation_makes_the_snapshotter_refuse_the_layer()
    {
        var registry = await images.RegistryAsync();
        var good = await LazyImage.ReadAsync($"{registry.Host}/{await images.CliImageAsync()}");
        var app = good.Layers[^1].Index;
        var broken = await BrokenImages.WrongTocDigestAsync(registry.Host, await images.CliImageAsync(), app, "wrong-toc");

        var run = await LazyStartRun.RunAsync(registry, broken);

        var mount = Assert.Single(run.Log.Mounts, m => m.Layer == run.Image.Layers[app].Digest);
        Assert.Contains("invalid stargz layer", mount.Error ?? "", StringComparison.Ordinal);
        var failures = LazyStartCheck.Failures(run.Image, Prefetched(good), run.Log, run.Exchanges, run.PrintedAt);
        Assert.Contains(failures, f => f.StartsWith($"layer {app} (", StringComparison.Ordinal) && f.Contains("remote mount failed", StringComparison.Ordinal));
        Assert.All(failures, f => Assert.StartsWith($"layer {app} (", f, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_prefetch_landmark_leaves_the_prioritized_layer_unprefetched()
    {
        var registry = await images.RegistryAsync();
        var good = await LazyImage.ReadAsync($"{registry.Host}/{await images.CliImageAsync()}");
        var runtime = RuntimeLayer(good);
        var broken = await BrokenImages.MissingLandmarkAsync(registry.Host, await images.CliImageAsync(), runtime, "no-landmark");

        var run = await LazyStartRun.RunAsync(registry, broken);

        Assert.Contains(LazyStartImages.HelloOutput, run.Lines); // the app still starts, fetching on demand what the prefetch would have brought
        Assert.Null(run.Image.Layers[runtime].PrefetchEnd);
        var failures = LazyStartCheck.Failures(run.Image, Prefetched(good), run.Log, run.Exchanges, run.PrintedAt);
        Assert.All(failures, f => Assert.StartsWith($"layer {runtime} (", f, StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("no .prefetch.landmark in its TOC", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Snapshotter_settings_given_as_toml_reach_the_filesystem()
    {
        var registry = await images.RegistryAsync();

        // noprefetch, given only in the settings file (the upstream daemon's config.toml key), turns the prioritized layers' prefetch off.
        var run = await LazyStartRun.RunAsync(registry, await images.CliImageAsync(), snapshotterConfig: "noprefetch = true\n");

        Assert.True(run.Pull.ExitCode == 0 && run.ExitCode == 0, run.Describe());
        Assert.Equal([LazyStartImages.HelloOutput], run.Lines);
        Assert.NotEmpty(Prefetched(run.Image));
        Assert.Empty(run.Log.Prefetches);
        Assert.All(run.Log.Mounts, m => Assert.Null(m.Error));
    }

    /// <summary>The app printed the right line and exited 0, and every check of a lazy start holds.</summary>
    private static void AssertLazyStart(LazyStartRun run)
    {
        Assert.True(run.Pull.ExitCode == 0 && run.ExitCode == 0, run.Describe());
        Assert.Equal([LazyStartImages.HelloOutput], run.Lines);
        Assert.Empty(run.Unparsed);
        // The converter prioritized what the start reads: the app's layer and the runtime's at least (the OS layer too: the loader, libc).
        var prefetched = Prefetched(run.Image);
        Assert.Contains(run.Image.Layers[^1].Index, prefetched);
        Assert.Contains(RuntimeLayer(run.Image), prefetched);
        var failures = LazyStartCheck.Failures(run.Image, prefetched, run.Log, run.Exchanges, run.PrintedAt);
        Assert.True(failures.Count == 0, string.Join('\n', failures) + "\n" + run.Describe());
    }

    /// <summary>The layers whose TOC has a <c>.prefetch.landmark</c> (of the good image, for the broken ones: a lost landmark still counts).</summary>
    private static HashSet<int> Prefetched(LazyImage image) => image.Layers.Where(l => l.PrefetchEnd is not null).Select(l => l.Index).ToHashSet();

    /// <summary>The layer holding libcoreclr.so.</summary>
    private static int RuntimeLayer(LazyImage image) =>
        image.Layers.Single(l => l.TocEntries?.Any(e => EStargzTocEntry.CleanEntryName(e.Name).EndsWith("/libcoreclr.so", StringComparison.Ordinal)) == true).Index;
}
