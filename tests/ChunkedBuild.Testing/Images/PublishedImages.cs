using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Testing.Images;

/// <summary>
/// End-to-end image inputs, made lazily once per test run. Register it as an assembly fixture
/// (<c>[assembly: AssemblyFixture(typeof(PublishedImages))]</c>) and take it in a test class constructor. The first
/// request starts one <see cref="LocalRegistry"/> and pushes the <see cref="TestBaseImages"/> (about 1 s); each other
/// output is made on its first request only:
/// <list type="bullet">
/// <item><see cref="OciArchiveAsync"/>, <see cref="DockerArchiveAsync"/>, <see cref="MultiRidArchiveAsync"/>: SDK
/// <c>PublishContainer</c> archives (about 4, 4 and 10 s warm; publishes run one at a time to spare the 2 cores);</item>
/// <item><see cref="DotnetBaseImageAsync"/>: <c>dotnet-base:1</c>, a base with a runtime layer copied from this machine's .NET runtime
/// (<see cref="DotnetRuntimeLayer"/>, the default trimmed set), pushed with skopeo (a few seconds); <see cref="DotnetAppArchiveAsync"/>: the
/// SDK's OCI archive of the sample app on it (<see cref="SdkContainerMode.DotnetBase"/>);</item>
/// <item><see cref="BaseOciLayoutAsync"/>, <see cref="BaseDockerArchiveAsync"/>: <c>base:1</c> copied by skopeo into an
/// OCI layout folder and a docker-archive file (well under 1 s each).</item>
/// </list>
/// When <c>skopeo</c>, <c>docker-registry</c> or <c>dotnet</c> is missing, the requesting test is skipped with the reason.
/// Dispose stops the registry and deletes <see cref="Folder"/>.
/// </summary>
public sealed class PublishedImages : IDisposable
{
    private readonly SemaphoreSlim _publishOneAtATime = new(1, 1);
    private readonly Lazy<Task<(LocalRegistry Registry, PushedBaseImages Bases)>> _registry;
    private readonly Lazy<Task<SdkContainerArchive>> _oci;
    private readonly Lazy<Task<SdkContainerArchive>> _docker;
    private readonly Lazy<Task<SdkContainerArchive>> _multi;
    private readonly Lazy<Task<string>> _baseOciLayout;
    private readonly Lazy<Task<string>> _baseDockerArchive;
    private readonly Lazy<Task<(string Reference, DotnetRuntimeImageLayer Layer)>> _dotnetBase;
    private readonly Lazy<Task<SdkContainerArchive>> _dotnetApp;

    /// <summary>Prepares the lazy outputs; starts nothing.</summary>
    public PublishedImages()
    {
        _registry = Once(() =>
        {
            var registry = LocalRegistry.Start();
            try
            {
                return (registry, TestBaseImages.Push(registry.Host, Path.Combine(Folder, "bases")));
            }
            catch
            {
                registry.Dispose();
                throw;
            }
        });
        _oci = Once(() => PublishAsync(SdkContainerMode.Oci));
        _docker = Once(() => PublishAsync(SdkContainerMode.Docker));
        _multi = Once(() => PublishAsync(SdkContainerMode.MultiRid));
        _dotnetBase = Once(async () =>
        {
            var bases = await BaseImagesAsync();
            var layer = DotnetRuntimeLayer.Build(null, out var reason) ?? throw new InvalidOperationException(reason);
            return (DotnetBaseImage.Push(bases.RegistryHost, Path.Combine(Folder, "bases"), layer), layer);
        });
        _dotnetApp = Once(async () =>
        {
            await _dotnetBase.Value;
            return await PublishAsync(SdkContainerMode.DotnetBase);
        });
        _baseOciLayout = Once(async () =>
        {
            var bases = await BaseImagesAsync();
            var folder = Path.Combine(Folder, "skopeo", "base-layout");
            Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
            Skopeo.Copy("docker://" + bases.Oci, $"oci:{folder}:{TestBaseImages.Tag}");
            return folder;
        });
        _baseDockerArchive = Once(async () =>
        {
            var bases = await BaseImagesAsync();
            var file = Path.Combine(Folder, "skopeo", "base-docker-archive.tar");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            Skopeo.Copy("docker://" + bases.Oci, $"docker-archive:{file}:base:{TestBaseImages.Tag}");
            return file;
        });
    }

    /// <summary>This run's temp folder (base layouts, app copies, archives).</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "chunkedbuild-e2e", $"{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>Why the fixture cannot run here (a missing program), or null.</summary>
    public static string? UnavailableReason =>
        !Skopeo.IsAvailable ? $"{Skopeo.ProgramPath} is missing (apt-get install skopeo)"
        : !LocalRegistry.IsAvailable ? $"{LocalRegistry.ProgramPath} is missing (apt-get install docker-registry)"
        : !ProcessRunner.IsOnPath("dotnet") ? "dotnet is not on PATH"
        : null;

    /// <summary>The running registry (started on first use).</summary>
    public async Task<LocalRegistry> RegistryAsync() => (await Started()).Registry;

    /// <summary>The registry's <c>127.0.0.1:port</c>.</summary>
    public async Task<string> RegistryHostAsync() => (await Started()).Registry.Host;

    /// <summary>The pushed base images: <c>base:1</c>, <c>base-docker:1</c>, <c>basemulti:1</c>.</summary>
    public async Task<PushedBaseImages> BaseImagesAsync() => (await Started()).Bases;

    /// <summary>The SDK's OCI layout tar (<see cref="SdkContainerMode.Oci"/>).</summary>
    public Task<SdkContainerArchive> OciArchiveAsync() => Get(_oci);

    /// <summary>The SDK's <c>docker load</c> tar with tags 1.0 and latest (<see cref="SdkContainerMode.Docker"/>).</summary>
    public Task<SdkContainerArchive> DockerArchiveAsync() => Get(_docker);

    /// <summary>The SDK's multi-RID OCI layout tar (<see cref="SdkContainerMode.MultiRid"/>).</summary>
    public Task<SdkContainerArchive> MultiRidArchiveAsync() => Get(_multi);

    /// <summary>Pushes (once) <c>dotnet-base:1</c>; returns its reference (<c>127.0.0.1:port/dotnet-base:1</c>) and the runtime layer it holds.</summary>
    public Task<(string Reference, DotnetRuntimeImageLayer Layer)> DotnetBaseImageAsync() => Get(_dotnetBase);

    /// <summary>The SDK's OCI layout tar of the sample app, framework-dependent, on <c>dotnet-base:1</c> (<see cref="SdkContainerMode.DotnetBase"/>).</summary>
    public Task<SdkContainerArchive> DotnetAppArchiveAsync() => Get(_dotnetApp);

    /// <summary>An OCI layout folder holding <c>base:1</c> under tag <c>1</c>, written by <c>skopeo copy … oci:&lt;dir&gt;:1</c>.</summary>
    public Task<string> BaseOciLayoutAsync() => Get(_baseOciLayout);

    /// <summary>A docker-archive tar of <c>base:1</c> (skopeo records RepoTags <c>docker.io/library/base:1</c>), written by <c>skopeo copy … docker-archive:&lt;file&gt;:base:1</c>.</summary>
    public Task<string> BaseDockerArchiveAsync() => Get(_baseDockerArchive);

    private Task<(LocalRegistry Registry, PushedBaseImages Bases)> Started() => Get(_registry);

    private static Task<T> Get<T>(Lazy<Task<T>> lazy)
    {
        if (UnavailableReason is { } reason) Assert.Skip(reason);
        return lazy.Value;
    }

    private async Task<SdkContainerArchive> PublishAsync(SdkContainerMode mode)
    {
        var bases = await BaseImagesAsync();
        await _publishOneAtATime.WaitAsync();
        try
        {
            return SdkContainerPublisher.Publish(mode, bases, Path.Combine(Folder, "publish"));
        }
        finally
        {
            _publishOneAtATime.Release();
        }
    }

    private static Lazy<Task<T>> Once<T>(Func<T> work) =>
        new(() => Task.Run(work), LazyThreadSafetyMode.ExecutionAndPublication);

    private static Lazy<Task<T>> Once<T>(Func<Task<T>> work) =>
        new(() => Task.Run(work), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Stops the registry (if started) and deletes <see cref="Folder"/>.</summary>
    public void Dispose()
    {
        if (_registry.IsValueCreated && _registry.Value.IsCompletedSuccessfully) _registry.Value.Result.Registry.Dispose();
        _publishOneAtATime.Dispose();
        try
        {
            if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
