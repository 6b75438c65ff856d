using System.Globalization;
using System.IO.Compression;
using ChunkedBuild.Testing.Images;

namespace ChunkedBuild.Bench;

/// <summary>One image of the start-up benchmarks: its layers (base first), the app, the frameworks it runs on and its env.</summary>
/// <param name="Id">A or B.</param>
/// <param name="Title">What it is.</param>
/// <param name="App">The app (its files on this machine and its layer).</param>
/// <param name="Layers">Name, gzip layer and (for host-built layers) the tar size.</param>
/// <param name="Frameworks">Shared frameworks (name, version) the app runs on.</param>
/// <param name="Env">The official images' env the config sets.</param>
internal sealed record StartupImage(string Id, string Title, StartupApp App, IReadOnlyList<(string Name, TestLayer Layer, long? TarBytes)> Layers,
    IReadOnlyList<(string Name, string Version)> Frameworks, IReadOnlyList<string> Env)
{
    /// <summary>The compressed layer bytes: what a full pull fetches.</summary>
    public long CompressedBytes => Layers.Sum(l => (long)l.Layer.Gzip.Length);

    /// <summary>Writes the image as a gzip OCI layout tagged <c>bench</c> (entrypoint <c>dotnet /app/&lt;app&gt;.dll</c>, WorkingDir <c>/app</c>).</summary>
    public TestBaseLayout Write(string folder, string dotnetVersion) =>
        DotnetBaseImage.Write(folder, "bench", Layers.Select(l => l.Layer).ToList(), dotnetVersion, entrypoint: ["dotnet", "/app/" + App.Dll], workingDir: "/app", env: Env);

    /// <summary>The same image with other layers (e.g. a next release).</summary>
    public StartupImage WithLayers(IReadOnlyList<(string Name, TestLayer Layer, long? TarBytes)> layers) => this with { Layers = layers };
}

/// <summary>
/// The images the start-up benchmarks (<c>--startup</c>, <c>--lazy</c>) build from THIS machine (Debian 12, the installed .NET), like the
/// official .NET ones:
/// <list type="bullet">
/// <item>A: the hello console app of <c>samples/images/hello</c> on a <c>runtime:10.0</c>-like base — the OS layer (debian:bookworm-slim:
/// the required packages and their closure, slim excludes, <see cref="DebianBaseLayers"/>), the runtime-deps layer (ca-certificates, ICU,
/// OpenSSL, tzdata, …), the whole installed Microsoft.NETCore.App (<see cref="DotnetRuntimeLayer"/>, no decoys);</item>
/// <item>B: <c>samples/app</c> (ASP.NET Core, published by the SDK in the run, <see cref="StartupApps.SampleApp"/>) on an
/// <c>aspnet:10.0</c>-like base: the same three layers plus Microsoft.AspNetCore.App (<see cref="SharedFrameworkLayer"/>).</item>
/// </list>
/// Layers are gzip Optimal, entrypoint <c>dotnet /app/&lt;app&gt;.dll</c>, WorkingDir <c>/app</c>, the official images' env.
/// </summary>
/// <param name="Debian">The OS and runtime-deps layers.</param>
/// <param name="Runtime">The runtime layer.</param>
/// <param name="AspNetCore">The ASP.NET Core layer.</param>
/// <param name="Images">A then B.</param>
internal sealed record StartupImages(DebianBase Debian, DotnetRuntimeImageLayer Runtime, SharedFrameworkImageLayer AspNetCore, IReadOnlyList<StartupImage> Images)
{
    /// <summary>The official runtime-deps image's env (also in runtime and aspnet).</summary>
    private static readonly string[] OfficialEnv = ["APP_UID=1654", "ASPNETCORE_HTTP_PORTS=8080", "DOTNET_RUNNING_IN_CONTAINER=true"];

    /// <summary>The Debian release of this machine.</summary>
    public static string DebianRelease => File.Exists("/etc/debian_version") ? File.ReadAllText("/etc/debian_version").Trim() : "?";

    /// <summary>Image path → host path of every regular file of the OS layers.</summary>
    public IReadOnlyDictionary<string, string> OsFiles =>
        Debian.Os.Tree.HostFiles.Concat(Debian.RuntimeDeps.Tree.HostFiles).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    /// <summary>The image paths of every regular file of the base layers.</summary>
    public HashSet<string> BaseFiles =>
        new(Debian.Os.Tree.Files.Concat(Debian.RuntimeDeps.Tree.Files).Concat(Runtime.Files).Concat(AspNetCore.Files), StringComparer.Ordinal);

    /// <summary>One line saying what the base is made of.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"base: Debian {DebianRelease} — OS layer {Debian.Os.Packages.Count} packages (required + closure, slim excludes), runtime-deps layer {string.Join(", ", Debian.RuntimeDeps.PackageVersions)}; " +
        $"Microsoft.NETCore.App {Runtime.Runtime.Version}, Microsoft.AspNetCore.App {AspNetCore.Version}");

    /// <summary>Builds the layers and publishes the apps under <paramref name="work"/>; <paramref name="sample"/> is samples/app as published (default: as it is).</summary>
    public static StartupImages Build(string work, StartupApp? sample = null)
    {
        var debian = DebianBaseLayers.Build(CompressionLevel.Optimal, out var reason) ?? throw new InvalidOperationException(reason);
        var runtime = DotnetRuntimeLayer.Build(new DotnetRuntimeLayerOptions { AllFrameworkFiles = true, Decoys = false, Level = CompressionLevel.Optimal }, out reason)
            ?? throw new InvalidOperationException(reason);
        var aspnet = SharedFrameworkLayer.Build(runtime.Runtime, SharedFrameworkLayer.AspNetCore, CompressionLevel.Optimal, out reason)
            ?? throw new InvalidOperationException(reason);
        var hello = StartupApps.Hello(work);
        sample ??= StartupApps.SampleApp(work);
        var baseLayers = new List<(string, TestLayer, long?)>
        {
            ("os", debian.Os.Layer, debian.Os.Tree.TarBytes), ("runtime-deps", debian.RuntimeDeps.Layer, debian.RuntimeDeps.Tree.TarBytes), ("runtime", runtime.Layer, null),
        };
        var netcore = (Name: "Microsoft.NETCore.App", runtime.Runtime.Version);
        return new StartupImages(debian, runtime, aspnet,
        [
            new StartupImage("A", "hello console app on a runtime:10.0-like base", hello, [.. baseLayers, ("app", hello.Layer, null)], [netcore], [.. OfficialEnv]),
            new StartupImage("B", "samples/app (ASP.NET Core) on an aspnet:10.0-like base", sample,
                [.. baseLayers, ("aspnetcore", aspnet.Layer, null), ("app", sample.Layer, null)], [netcore, (aspnet.Name, aspnet.Version)],
                [.. OfficialEnv, "ASPNET_VERSION=" + aspnet.Version]),
        ]);
    }
}
