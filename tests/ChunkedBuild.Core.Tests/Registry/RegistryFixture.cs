using ChunkedBuild.Core.Registry;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry;

/// <summary>One Debian docker-registry (distribution 2.8) per test class, started on first use, and a scratch folder.</summary>
public sealed class RegistryFixture : IDisposable
{
    private readonly Lazy<LocalRegistry> _registry = new(() => LocalRegistry.Start());

    /// <summary>The registry (skips the test when docker-registry is not installed).</summary>
    public LocalRegistry Registry
    {
        get
        {
            Assert.SkipUnless(LocalRegistry.IsAvailable, $"{LocalRegistry.ProgramPath} is not installed (apt-get install docker-registry)");
            return _registry.Value;
        }
    }

    /// <summary>A scratch folder for layouts.</summary>
    public DirectoryInfo Folder { get; } = Directory.CreateTempSubdirectory("chb-registry-tests-");

    /// <summary>Options for tests: tiny retry delays with a fixed jitter seed.</summary>
    public static RegistryClientOptions FastOptions(HttpMessageHandler? transport = null) => new()
    {
        Retry = new RegistryRetryOptions { MaxAttempts = 10, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(20), JitterSeed = 7 },
        RequestTimeout = TimeSpan.FromSeconds(20),
        Transport = transport,
    };

    /// <summary>Skips unless skopeo is installed.</summary>
    public static void RequireSkopeo() => Assert.SkipUnless(ProcessRunner.IsOnPath("skopeo"), "skopeo is not installed (apt-get install skopeo)");

    /// <inheritdoc />
    public void Dispose()
    {
        if (_registry.IsValueCreated) _registry.Value.Dispose();
        try { Folder.Delete(recursive: true); } catch (IOException) { }
    }
}
