using System.Runtime.InteropServices;
using System.Text;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Prioritization.Dotnet;
using ChunkedBuild.Core.Prioritization.FileView;
using ChunkedBuild.Core.Tar;
using ChunkedBuild.Testing;
using Xunit;
using static ChunkedBuild.Core.Tests.Prioritization.TarListing;

namespace ChunkedBuild.Core.Tests.Prioritization.Dotnet;

/// <summary>
/// Inference over an image made of this machine's real .NET install (as the base layer at /usr/share/dotnet) and a
/// real <c>dotnet publish</c> output of a console app (data/hello: Hello.dll, its deps.json and runtimeconfig.json).
/// </summary>
public class DotnetStartupInferenceTests
{
    private const string ImageDotnetRoot = "usr/share/dotnet";
    private static readonly string HelloDir = Path.Combine(RepoPaths.Root, "tests", "ChunkedBuild.Core.Tests", "Prioritization", "data", "hello");

    /// <summary>The installed root: three levels above this runtime's Microsoft.NETCore.App folder.</summary>
    private static readonly string LocalDotnetRoot =
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    private static readonly ImageRunSettings Amd64 = new() { Platform = new Platform { Os = "linux", Architecture = "amd64" } };

    [Fact]
    public void Framework_dependent_app_via_the_dotnet_host()
    {
        var (view, _) = HelloImage();
        var result = DotnetStartupInference.Infer(view, Amd64 with { Entrypoint = ["dotnet", "Hello.dll"], WorkingDir = "/app" });
        AssertHelloStartup(result);
        Assert.Equal("/usr/bin/dotnet", result.Paths[0]); // the program as named (a symlink), then its target
        Assert.Equal("/usr/share/dotnet/dotnet", result.Paths[1]);
    }

    [Fact]
    public void Framework_dependent_app_via_its_app_host()
    {
        var (view, _) = HelloImage();
        var result = DotnetStartupInference.Infer(view, Amd64 with { Entrypoint = ["/app/Hello"], Env = ["PATH=/usr/bin:/bin"] });
        AssertHelloStartup(result);
        Assert.Equal("/app/Hello", result.Paths[0]);
        Assert.DoesNotContain("/usr/share/dotnet/dotnet", result.Paths);
    }

    [Fact]
    public void Shell_form_commands_are_looked_through()
    {
        var (view, _) = HelloImage();
        var result = DotnetStartupInference.Infer(view, Amd64 with { Entrypoint = ["/bin/sh", "-c"], Cmd = ["exec dotnet /app/Hello.dll --urls x"] });
        AssertHelloStartup(result);
    }

    [Fact]
    public void The_inferred_list_maps_onto_the_layers_in_their_own_spelling()
    {
        var (view, _) = HelloImage();
        var result = DotnetStartupInference.Infer(view, Amd64 with { Entrypoint = ["/app/Hello"] });
        var lists = LayerPrioritization.SplitByLayer(result.Paths, view);
        Assert.Equal(2, lists.Count);
        Assert.All(lists[0], name => Assert.StartsWith(ImageDotnetRoot + "/", name));
        Assert.Contains(lists[0], n => n.EndsWith("/System.Private.CoreLib.dll", StringComparison.Ordinal));
        Assert.Equal(["./app/Hello", "./app/Hello.runtimeconfig.json", "./app/Hello.deps.json", "./app/Hello.dll"], lists[1]);
        Assert.Equal(result.Paths.Count, lists.Sum(l => l.Count));
    }

    [Fact]
    public void Aspnetcore_apps_get_both_frameworks()
    {
        const string runtimeConfig = """
            {"runtimeOptions":{"tfm":"net10.0","frameworks":[{"name":"Microsoft.AspNetCore.App","version":"10.0.0"}]}}
            """;
        var (view, _) = HelloImage(("Web.dll", System.IO.File.ReadAllBytes(Path.Combine(HelloDir, "Hello.dll"))), ("Web.runtimeconfig.json", Encoding.UTF8.GetBytes(runtimeConfig)),
            ("appsettings.json", "{}"u8.ToArray()), ("appsettings.Development.json", "{}"u8.ToArray()), ("appsettings.Production.json", "{}"u8.ToArray()));
        var result = DotnetStartupInference.Infer(view, Amd64 with { Entrypoint = ["dotnet", "/app/Web.dll"] });
        Assert.Null(result.Reason);
        Assert.Contains(result.Paths, p => p.StartsWith("/usr/share/dotnet/shared/Microsoft.AspNetCore.App/", StringComparison.Ordinal)
            && p.EndsWith("/Microsoft.AspNetCore.App.deps.json", StringComparison.Ordinal));
        Assert.Contains(result.Paths, p => p.EndsWith("/Microsoft.NETCore.App.deps.json", StringComparison.Ordinal));
        Assert.Contains(result.Paths, p => p.EndsWith("/Microsoft.NETCore.App/" + RuntimeVersionFolder() + "/libcoreclr.so", StringComparison.Ordinal));
        Assert.Contains("/app/appsettings.Production.json", result.Paths);
        Assert.DoesNotContain("/app/appsettings.Development.json", result.Paths);
    }

    [Fact]
    public void Self_contained_apps_use_the_runtime_in_the_app_folder()
    {
        const string runtimeConfig = """
            {"runtimeOptions":{"tfm":"net10.0","includedFrameworks":[{"name":"Microsoft.NETCore.App","version":"10.0.1"}]}}
            """;
        byte[] any = [1];
        var files = new (string Name, byte[] Content)[]
        {
            ("Tool", any), ("Tool.dll", System.IO.File.ReadAllBytes(Path.Combine(HelloDir, "Hello.dll"))), ("Tool.runtimeconfig.json", Encoding.UTF8.GetBytes(runtimeConfig)),
            ("libhostfxr.so", any), ("libhostpolicy.so", any), ("libcoreclr.so", any), ("libclrjit.so", any), ("libSystem.Native.so", any),
            ("System.Private.CoreLib.dll", any), ("System.Runtime.dll", any), ("System.Console.dll", any), ("System.Xml.dll", any), ("Tool.pdb", any),
        };
        var view = LayeredImageFileView.FromLayers([files.Select(f => File("app/" + f.Name, f.Content.Length))],
            (file, _) => files.First(f => "app/" + f.Name == file.EntryName).Content);
        var result = DotnetStartupInference.Infer(view, Amd64 with { Entrypoint = ["/app/Tool"] });
        Assert.Equal(
            ["/app/Tool", "/app/libhostfxr.so", "/app/Tool.runtimeconfig.json", "/app/libhostpolicy.so", "/app/libcoreclr.so", "/app/libSystem.Native.so",
             "/app/libclrjit.so", "/app/System.Private.CoreLib.dll", "/app/Tool.dll", "/app/System.Runtime.dll", "/app/System.Console.dll"],
            result.Paths);
    }

    [Fact]
    public void A_non_dotnet_image_gives_no_paths_and_a_reason()
    {
        var view = LayeredImageFileView.FromLayers(
            [[File("docker-entrypoint.sh", 10), File("usr/sbin/nginx", 10), Symlink("bin/sh", "dash"), File("bin/dash", 10)]], (_, _) => null);
        var nginx = DotnetStartupInference.Infer(view, Amd64 with { Entrypoint = ["/docker-entrypoint.sh"], Cmd = ["nginx", "-g", "daemon off;"] });
        Assert.Empty(nginx.Paths);
        Assert.Contains("not a .NET app", nginx.Reason);
        var none = DotnetStartupInference.Infer(view, Amd64);
        Assert.Empty(none.Paths);
        Assert.Contains("no Entrypoint or Cmd", none.Reason);
        var missing = DotnetStartupInference.Infer(view, Amd64 with { Cmd = ["dotnet", "app.dll"] });
        Assert.Empty(missing.Paths);
        Assert.Contains("not in the image", missing.Reason);
    }

    [Fact]
    public void A_dotnet_app_without_a_usable_runtime_says_so()
    {
        var (view, _) = HelloImage(("Old.dll", [1]), ("Old.runtimeconfig.json", """{"runtimeOptions":{"framework":{"name":"Microsoft.NETCore.App","version":"99.0.0"}}}"""u8.ToArray()));
        var result = DotnetStartupInference.Infer(view, Amd64 with { Entrypoint = ["dotnet", "/app/Old.dll"] });
        Assert.Empty(result.Paths);
        Assert.Contains("Microsoft.NETCore.App 99.0.0", result.Reason);
    }

    [Theory]
    [InlineData("8.0.0", null, "8.0.11")]       // Minor: latest patch of the requested band
    [InlineData("8.0.20", null, "8.2.3")]     // no 8.0 patch at or above the request: next minor
    [InlineData("8.1.0", null, "8.2.3")]        // Minor: lowest higher minor, then its latest patch
    [InlineData("8.0.0", "LatestMinor", "8.4.0")]
    [InlineData("8.0.0", "Disable", null)]
    [InlineData("8.0.1", "Disable", "8.0.1")]
    [InlineData("8.0.0", "LatestPatch", "8.0.11")]
    [InlineData("7.0.0", null, null)]
    [InlineData("7.0.0", "Major", "8.0.11")]
    [InlineData("7.0.0", "LatestMajor", "10.0.0")]
    [InlineData("10.0.0-rc.1", null, "10.0.0")]
    public void Roll_forward_follows_the_host_policies(string requested, string? policy, string? expected)
    {
        var installed = new[] { "8.0.1", "8.0.11", "8.2.1", "8.2.3", "8.4.0", "10.0.0", "11.0.0-preview.1" }.Select(v => FrameworkVersion.TryParse(v)!);
        Assert.Equal(expected, FrameworkVersion.Select(FrameworkVersion.TryParse(requested)!, installed, policy)?.Text);
    }

    private static void AssertHelloStartup(StartupInference result)
    {
        Assert.Null(result.Reason);
        Assert.Equal("/app/Hello.dll", result.AppPath);
        var paths = result.Paths.ToList();
        var runtime = $"/usr/share/dotnet/shared/Microsoft.NETCore.App/{RuntimeVersionFolder()}";
        string[] required =
        [
            "/app/Hello.dll", "/app/Hello.deps.json", "/app/Hello.runtimeconfig.json", $"{runtime}/System.Private.CoreLib.dll",
            $"{runtime}/libcoreclr.so", $"{runtime}/libclrjit.so", $"{runtime}/libhostpolicy.so", $"{runtime}/System.Runtime.dll",
            $"{runtime}/System.Console.dll", $"{runtime}/Microsoft.NETCore.App.deps.json",
        ];
        foreach (var path in required) Assert.Contains(path, paths);
        var hostFxr = Assert.Single(paths, p => p.StartsWith("/usr/share/dotnet/host/fxr/", StringComparison.Ordinal));
        Assert.EndsWith("/libhostfxr.so", hostFxr);
        Assert.DoesNotContain(paths, p => p.EndsWith(".pdb", StringComparison.Ordinal) || p.EndsWith(".xml", StringComparison.Ordinal));
        Assert.Equal(paths.Count, paths.Distinct().Count());
        // startup order: hostfxr, the app's config, hostpolicy, the runtime, then the app
        Assert.True(paths.IndexOf(hostFxr) < paths.IndexOf("/app/Hello.runtimeconfig.json"));
        Assert.True(paths.IndexOf("/app/Hello.runtimeconfig.json") < paths.IndexOf($"{runtime}/libhostpolicy.so"));
        Assert.True(paths.IndexOf($"{runtime}/libcoreclr.so") < paths.IndexOf($"{runtime}/System.Private.CoreLib.dll"));
        Assert.True(paths.IndexOf($"{runtime}/System.Private.CoreLib.dll") < paths.IndexOf("/app/Hello.dll"));
        Assert.True(paths.IndexOf("/app/Hello.dll") < paths.IndexOf($"{runtime}/System.Console.dll"));
        // a hello world needs a few framework assemblies, not the whole framework
        Assert.InRange(paths.Count(p => p.StartsWith(runtime, StringComparison.Ordinal) && p.EndsWith(".dll", StringComparison.Ordinal)), 3, 40);
    }

    private static string RuntimeVersionFolder() => new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory()).Name;

    /// <summary>
    /// Layer 0: the local dotnet root (the host, host/fxr, shared/*) at /usr/share/dotnet with /usr/bin/dotnet linking
    /// to it; layer 1: ./app/ with the published Hello app, an app host, a pdb and an xml doc, plus <paramref name="extra"/>.
    /// </summary>
    internal static (LayeredImageFileView View, Dictionary<string, byte[]> AppFiles) HelloImage(params (string Name, byte[] Content)[] extra) =>
        HelloImage(null, extra);

    /// <summary><see cref="HelloImage(ValueTuple{string, byte[]}[])"/> on top of <paramref name="os"/> (a base layer below the dotnet layer) when given.</summary>
    internal static (LayeredImageFileView View, Dictionary<string, byte[]> AppFiles) HelloImage(HostLibraryLayer? os, params (string Name, byte[] Content)[] extra)
    {
        var baseLayer = LocalDotnetRootLayer();
        var appFiles = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["Hello"] = "\u007fELF app host"u8.ToArray(),
            ["Hello.dll"] = System.IO.File.ReadAllBytes(Path.Combine(HelloDir, "Hello.dll")),
            ["Hello.deps.json"] = System.IO.File.ReadAllBytes(Path.Combine(HelloDir, "Hello.deps.json")),
            ["Hello.runtimeconfig.json"] = System.IO.File.ReadAllBytes(Path.Combine(HelloDir, "Hello.runtimeconfig.json")),
            ["Hello.pdb"] = [0x42, 0x53, 0x4a, 0x42],
            ["Hello.xml"] = "<doc/>"u8.ToArray(),
        };
        foreach (var (name, content) in extra) appFiles[name] = content;
        var appLayer = new List<TarEntryInfo> { Dir("./app/") };
        appLayer.AddRange(appFiles.Select(f => File("./app/" + f.Key, f.Value.Length)));

        var layers = os is null ? new[] { baseLayer, appLayer } : [os.Entries, baseLayer, appLayer];
        var dotnetLayer = os is null ? 0 : 1;
        var view = LayeredImageFileView.FromLayers(layers, (file, max) =>
            file.LayerIndex < dotnetLayer ? os!.Read(file.EntryName)
            : file.LayerIndex == dotnetLayer ? ReadLocalDotnetRoot(file.EntryName)
            : appFiles[file.EntryName["./app/".Length..]]);
        return (view, appFiles);
    }

    /// <summary>
    /// A layer listing of the local dotnet root (the host, host/fxr, shared/*) at /usr/share/dotnet, with /usr/bin/dotnet linking to it;
    /// <see cref="ReadLocalDotnetRoot"/> reads its files.
    /// </summary>
    internal static List<TarEntryInfo> LocalDotnetRootLayer()
    {
        var layer = new List<TarEntryInfo> { Dir("usr/"), Dir("usr/bin/"), Symlink("usr/bin/dotnet", "../share/dotnet/dotnet"), Dir(ImageDotnetRoot + "/") };
        layer.Add(File(ImageDotnetRoot + "/dotnet", new FileInfo(Path.Combine(LocalDotnetRoot, "dotnet")).Length));
        foreach (var top in new[] { "host", "shared" })
        {
            foreach (var entry in new DirectoryInfo(Path.Combine(LocalDotnetRoot, top)).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                var name = ImageDotnetRoot + "/" + Path.GetRelativePath(LocalDotnetRoot, entry.FullName).Replace('\\', '/');
                layer.Add(entry is FileInfo file ? File(name, file.Length) : Dir(name + "/"));
            }
        }
        return layer;
    }

    /// <summary>The content of an entry of <see cref="LocalDotnetRootLayer"/>, by its entry name.</summary>
    internal static byte[] ReadLocalDotnetRoot(string entryName) =>
        System.IO.File.ReadAllBytes(Path.Combine(LocalDotnetRoot, entryName[(ImageDotnetRoot.Length + 1)..]));
}
