using System.IO.Compression;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.LazyPull;
using ChunkedBuild.Testing.Packages;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.LazyPull.Tests;

/// <summary>
/// The images of the lazy-start tier, made lazily once per test run in one Debian <c>docker-registry</c> on 127.0.0.1:
/// <list type="bullet">
/// <item><c>lazy-base:1</c>: a runtime:10.0-like base built from this machine — the Debian OS and runtime-deps layers
/// (<see cref="DebianBaseLayers"/>) and the installed .NET runtime (<see cref="DotnetRuntimeLayer"/>, its default file set, no decoys),
/// gzip, the official images' env;</item>
/// <item><c>lazy-hello:cli</c>: the hello console app published framework-dependent on it by the SDK (<c>dotnet publish
/// -t:PublishContainer</c>, OCI archive), converted by <c>dotnet chunked convert</c> to the registry (eStargz + zstd:chunked, <c>auto</c>);</item>
/// <item><c>lazy-hello-task:1</c>: the same app published with the packed ChunkedBuild.Tasks in push mode (<c>ContainerRegistry</c> set).</item>
/// </list>
/// Every request skips the test with the reason only where this kernel or sandbox cannot mount FUSE (<see cref="LazyPullTools.SkipReason"/>);
/// a missing program (containerd, runc, skopeo, docker-registry) or a failed build of the Go programs fails it, as <c>.ci/run</c> provides them.
/// </summary>
public sealed class LazyStartImages : IDisposable
{
    /// <summary>The line the hello app prints (its runtime identifier inside the container).</summary>
    public const string HelloOutput = "hello from linux-x64";

    private readonly Lazy<Task<LocalRegistry>> _registry;
    private readonly Lazy<Task<string>> _base;
    private readonly Lazy<Task<string>> _cli;
    private readonly Lazy<Task<string>> _task;
    private readonly TaskPackageFeed _feed = new();

    /// <summary>Prepares the lazy outputs; starts nothing.</summary>
    public LazyStartImages()
    {
        _registry = Once(() => Task.FromResult(LocalRegistry.Start()));
        _base = Once(BuildBaseAsync);
        _cli = Once(ConvertWithCliAsync);
        _task = Once(PushWithTaskAsync);
    }

    /// <summary>This run's temp folder.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "chunkedbuild-lazy-e2e", $"{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>The registry (started on first use).</summary>
    public Task<LocalRegistry> RegistryAsync() => Get(_registry);

    /// <summary><c>lazy-hello:cli</c> (repository and tag, without the host).</summary>
    public Task<string> CliImageAsync() => Get(_cli);

    /// <summary><c>lazy-hello-task:1</c> (repository and tag, without the host).</summary>
    public Task<string> TaskImageAsync() => Get(_task);

    private async Task<string> BuildBaseAsync()
    {
        var registry = await RegistryAsync();
        var debian = DebianBaseLayers.Build(CompressionLevel.Fastest, out var reason) ?? throw new InvalidOperationException(reason);
        var runtime = DotnetRuntimeLayer.Build(new DotnetRuntimeLayerOptions { Decoys = false }, out reason) ?? throw new InvalidOperationException(reason);
        var layout = DotnetBaseImage.Write(Path.Combine(Folder, "base"), "1", [debian.Os.Layer, debian.RuntimeDeps.Layer, runtime.Layer], runtime.Runtime.Version,
            entrypoint: null, workingDir: null, env: ["APP_UID=1654", "DOTNET_RUNNING_IN_CONTAINER=true"]);
        var reference = $"{registry.Host}/lazy-base:1";
        Skopeo.Copy(layout.SkopeoReference, "docker://" + reference);
        return reference;
    }

    private async Task<string> ConvertWithCliAsync()
    {
        var registry = await RegistryAsync();
        var baseImage = await Get(_base);
        var folder = Path.Combine(Folder, "cli");
        var project = SdkContainerPublisher.CopyApp(Path.Combine(folder, "app"));
        var archive = Path.Combine(folder, "hello.tar");
        var publish = SdkContainerPublisher.RunPublish(project, registry.Host,
        [
            $"-p:ContainerBaseImage={baseImage}", "-p:ContainerRuntimeIdentifier=linux-x64", "-p:SelfContained=false",
            $"-p:ContainerArchiveOutputPath={archive}", "-p:ContainerImageTags=1",
        ]);
        if (publish.ExitCode != 0 || !File.Exists(archive))
            throw new InvalidOperationException($"dotnet publish -t:PublishContainer exited {publish.ExitCode}:\n{publish.StdOut}\n{publish.StdErr}");
        const string image = "lazy-hello:cli";
        var convert = ChunkedTool.Run("convert", archive, $"docker://{registry.Host}/{image}", "--cache-dir", Path.Combine(folder, "cache"));
        if (convert.ExitCode != 0) throw new InvalidOperationException($"dotnet chunked convert exited {convert.ExitCode}:\n{convert.StdErr}");
        return image;
    }

    private async Task<string> PushWithTaskAsync()
    {
        var registry = await RegistryAsync();
        var baseImage = await Get(_base);
        var folder = Path.Combine(Folder, "task");
        var app = ConsumerApp.Create(Path.Combine(folder, "app"), _feed, await _feed.FeedAsync());
        var run = app.Publish(registry.Host,
        [
            $"-p:ContainerBaseImage={baseImage}", "-p:ContainerRuntimeIdentifier=linux-x64", "-p:SelfContained=false",
            $"-p:ContainerRegistry={registry.Host}", "-p:ContainerRepository=lazy-hello-task", "-p:ContainerImageTags=1",
            $"-p:ChunkedCacheDirectory={Path.Combine(folder, "cache")}",
        ]);
        if (run.Process.ExitCode != 0 || run.Images.Count == 0)
            throw new InvalidOperationException($"dotnet publish with ChunkedBuild.Tasks exited {run.Process.ExitCode}:\n{run.Output}");
        return "lazy-hello-task:1";
    }

    private static Task<T> Get<T>(Lazy<Task<T>> lazy)
    {
        if (LazyPullTools.SkipReason is { } reason) Assert.Skip(reason);
        _ = LazyPullTools.Programs; // throws: a missing program or a failed build is an error, not a skip
        if (PublishedImages.UnavailableReason is { } missing) throw new InvalidOperationException(missing + "; .ci/run installs it");
        return lazy.Value;
    }

    private static Lazy<Task<T>> Once<T>(Func<Task<T>> work) => new(() => Task.Run(work), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Stops the registry (if started), deletes the package feed and <see cref="Folder"/>.</summary>
    public void Dispose()
    {
        _feed.Dispose();
        if (_registry.IsValueCreated && _registry.Value.IsCompletedSuccessfully) _registry.Value.Result.Dispose();
        try
        {
            if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
