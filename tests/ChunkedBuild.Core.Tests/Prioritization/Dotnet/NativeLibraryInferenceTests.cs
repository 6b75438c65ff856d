using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Prioritization.Dotnet;
using ChunkedBuild.Core.Prioritization.FileView;
using ChunkedBuild.Core.Tar;
using ChunkedBuild.Testing;
using Xunit;
using static ChunkedBuild.Core.Tests.Prioritization.TarListing;

namespace ChunkedBuild.Core.Tests.Prioritization.Dotnet;

/// <summary>
/// The native part of the .NET startup inference: the Hello image (this machine's dotnet and the published app) on a
/// merged-usr OS layer holding this machine's real glibc, libstdc++, libgcc and ICU (<see cref="HostLibraryLayer"/>).
/// </summary>
public class NativeLibraryInferenceTests
{
    private const string Lib = HostLibraryLayer.LibDir;
    private static readonly string HelloDir = Path.Combine(RepoPaths.Root, "tests", "ChunkedBuild.Core.Tests", "Prioritization", "data", "hello");
    private static readonly ImageRunSettings ViaMuxer = new()
    {
        Platform = new Platform { Os = "linux", Architecture = "amd64" }, Entrypoint = ["dotnet", "Hello.dll"], WorkingDir = "/app",
    };

    private static string Runtime => $"/usr/share/dotnet/shared/Microsoft.NETCore.App/{new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory()).Name}";

    [Fact]
    public void The_loader_libc_and_the_cpp_runtime_follow_the_host_with_their_symlinks()
    {
        var (view, _) = DotnetStartupInferenceTests.HelloImage(OsLayer(withIcu: true));
        var result = DotnetStartupInference.Infer(view, ViaMuxer);
        Assert.Null(result.Reason);
        var paths = result.Paths.ToList();

        // the program, then its interpreter as PT_INTERP names it: /lib64 → usr/lib64, the ld.so link, /lib → usr/lib, the loader;
        // then glibc's loader cache, which the loader maps before it looks up the first DT_NEEDED name
        Assert.Equal(
            ["/usr/bin/dotnet", "/usr/share/dotnet/dotnet", "/lib64", "/usr/lib64/ld-linux-x86-64.so.2", "/lib", $"{Lib}/ld-linux-x86-64.so.2", "/etc/ld.so.cache"],
            paths.Take(7));
        foreach (var soname in HostLibraryLayer.SystemLibraries) Assert.Contains($"{Lib}/{soname}", paths);
        var libstdcxxTarget = new FileInfo($"{Lib}/libstdc++.so.6").LinkTarget;
        Assert.NotNull(libstdcxxTarget); // Debian: libstdc++.so.6 → libstdc++.so.6.0.30
        Assert.True(paths.IndexOf($"{Lib}/libstdc++.so.6") < paths.IndexOf($"{Lib}/{libstdcxxTarget}"));
        // the program's libraries come before hostfxr, which needs nothing new
        var hostFxr = Assert.Single(paths, p => p.EndsWith("/libhostfxr.so", StringComparison.Ordinal));
        Assert.True(paths.IndexOf($"{Lib}/libc.so.6") < paths.IndexOf(hostFxr));
        Assert.True(paths.IndexOf($"{Lib}/libgcc_s.so.1") < paths.IndexOf(hostFxr));
        // librt is first needed by libcoreclr (the muxer, hostfxr and hostpolicy do not need it)
        Assert.True(paths.IndexOf($"{Runtime}/libcoreclr.so") < paths.IndexOf($"{Lib}/librt.so.1"));

        // ICU: libicuuc and libicui18n of the highest version, then libicudata they need; after CoreLib, before the app
        var icu = HostLibraryLayer.HostIcuMajor()!.Value;
        foreach (var name in new[] { "libicuuc", "libicui18n", "libicudata" })
        {
            var link = $"{Lib}/{name}.so.{icu}";
            Assert.Contains(link, paths);
            Assert.Contains($"{Lib}/{new FileInfo(link).LinkTarget ?? $"{name}.so.{icu}"}", paths);
        }
        Assert.True(paths.IndexOf($"{Runtime}/System.Private.CoreLib.dll") < paths.IndexOf($"{Lib}/libicuuc.so.{icu}"));
        Assert.True(paths.IndexOf($"{Lib}/libicuuc.so.{icu}") < paths.IndexOf("/app/Hello.dll"));

        // not loaded at start: TLS libraries, unrelated ones, LTTng (the trace provider's need), an older ICU
        foreach (var decoy in HostLibraryLayer.RealDecoys.Concat(HostLibraryLayer.FakeDecoys))
            Assert.DoesNotContain(paths, p => ImagePath.FileName(p).StartsWith(decoy, StringComparison.Ordinal));
        Assert.Contains($"{Runtime}/libcoreclrtraceptprovider.so", paths);

        // every listed path is in the image, once; symlinks only where the loader follows one
        Assert.Equal(paths.Count, paths.Distinct().Count());
        Assert.All(paths, p => Assert.NotNull(view.Find(p)));
        string[] links = ["/usr/bin/dotnet", "/lib64", "/usr/lib64/ld-linux-x86-64.so.2", "/lib", $"{Lib}/libstdc++.so.6",
            $"{Lib}/libicuuc.so.{icu}", $"{Lib}/libicui18n.so.{icu}", $"{Lib}/libicudata.so.{icu}"];
        Assert.Equal(links.Order(StringComparer.Ordinal), paths.Where(p => view.Find(p)!.Kind == ImageFileKind.Symlink).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("\"true\"")]
    [InlineData("\"True\"")]
    public void A_globalization_invariant_runtimeconfig_loads_no_icu(string value)
    {
        var paths = Infer(withIcu: true, InvariantProperty(value), []);
        Assert.Contains($"{Lib}/libc.so.6", paths);
        Assert.DoesNotContain(paths, p => p.Contains("/libicu", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1", false)]
    [InlineData("true", false)]
    [InlineData("TRUE", false)]
    [InlineData("0", true)]
    [InlineData("false", true)]
    public void The_invariant_environment_variable_turns_icu_off(string value, bool icuExpected)
    {
        var paths = Infer(withIcu: true, null, [$"DOTNET_SYSTEM_GLOBALIZATION_INVARIANT={value}"]);
        Assert.Equal(icuExpected, paths.Any(p => p.EndsWith($"/libicuuc.so.{HostLibraryLayer.HostIcuMajor()}", StringComparison.Ordinal)));
        Assert.Contains($"{Lib}/libm.so.6", paths);
    }

    [Fact]
    public void The_runtimeconfig_switch_wins_over_the_environment()
    {
        var paths = Infer(withIcu: true, InvariantProperty("false"), ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1"]);
        Assert.Contains(paths, p => p.EndsWith($"/libicudata.so.{HostLibraryLayer.HostIcuMajor()}", StringComparison.Ordinal));
    }

    [Fact]
    public void An_image_without_icu_lists_the_system_libraries_and_no_icu()
    {
        var paths = Infer(withIcu: false, null, []);
        Assert.Contains($"{Lib}/libstdc++.so.6", paths);
        Assert.Contains($"{Lib}/ld-linux-x86-64.so.2", paths);
        Assert.DoesNotContain(paths, p => p.Contains("/libicu", StringComparison.Ordinal));
    }

    [Fact]
    public void Ld_so_conf_includes_come_before_the_multiarch_and_default_directories()
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["etc/ld.so.conf"] = "include ld.so.conf.d/*.conf # relative to /etc\n/opt/first\n",
            ["etc/ld.so.conf.d/b.conf"] = "/opt/b1:/opt/b2, /opt/b3\n",
            ["etc/ld.so.conf.d/a.conf"] = "# comment\n/opt/a\nhwcap 0 nosegneg\ninclude /etc/ld.so.conf.d/nested/*.conf\n",
            ["etc/ld.so.conf.d/nested/x.conf"] = "/opt/nested\n",
            ["etc/ld.so.conf.d/ignored.txt"] = "/opt/ignored\n",
        };
        var view = LayeredImageFileView.FromLayers([files.Select(f => File(f.Key, f.Value.Length))], (f, _) => Encoding.UTF8.GetBytes(files[f.EntryName]));
        var search = new NativeLibrarySearch(view, new ImageDirectoryIndex(view), new ImageRunSettings { Platform = new Platform { Architecture = "arm64", Os = "linux" } },
            "/app/x", ElfDynamicInfo.None, _ => ElfDynamicInfo.None);
        Assert.Equal(
            ["/opt/a", "/opt/nested", "/opt/b1", "/opt/b2", "/opt/b3", "/opt/first", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"],
            search.SystemDirectories);
    }

    [Fact]
    public void Musl_uses_its_path_file_or_its_defaults()
    {
        var loader = File("lib/ld-musl-aarch64.so.1", 10);
        var bare = LayeredImageFileView.FromLayers([[loader]], (_, _) => null);
        Assert.Equal(["/lib", "/usr/local/lib", "/usr/lib"], Search(bare).SystemDirectories);

        var pathFile = "/usr/lib/custom:/lib\n/usr/lib\n"u8.ToArray();
        var configured = LayeredImageFileView.FromLayers([[loader, File("etc/ld-musl-aarch64.path", pathFile.Length)]], (f, _) => f.EntryName.StartsWith("etc/", StringComparison.Ordinal) ? pathFile : null);
        Assert.Equal(["/usr/lib/custom", "/lib", "/usr/lib"], Search(configured).SystemDirectories);

        static NativeLibrarySearch Search(IImageFileView view) =>
            new(view, new ImageDirectoryIndex(view), new ImageRunSettings(), "/app/x", ElfDynamicInfo.None, _ => ElfDynamicInfo.None);
    }

    [Fact]
    public void Runpath_origin_and_ld_library_path_are_searched_before_the_system_directories()
    {
        Assert.Equal(["/app/lib", "/opt/x"], NativeLibrarySearch.SplitSearchPath("$ORIGIN/lib::${ORIGIN}/../opt/x:$LIB/y:relative", "/app"));
        var entries = new List<TarEntryInfo> { File("app/lib/libfoo.so.1", 10), File("usr/lib/libfoo.so.1", 10), File("env/libbar.so", 10), File("usr/lib/libbar.so", 10) };
        var view = LayeredImageFileView.FromLayers([entries], (_, _) => null);
        var search = new NativeLibrarySearch(view, new ImageDirectoryIndex(view), new ImageRunSettings { Env = ["LD_LIBRARY_PATH=/env"] },
            "/app/prog", ElfDynamicInfo.None, _ => ElfDynamicInfo.None);
        var requester = ElfDynamicInfo.None with { IsElf = true, RunPath = "$ORIGIN/lib" };
        Assert.Equal("/app/lib/libfoo.so.1", search.Find("libfoo.so.1", "/app/prog", requester));
        Assert.Equal("/usr/lib/libfoo.so.1", search.Find("libfoo.so.1", "/other/prog", requester));
        Assert.Equal("/env/libbar.so", search.Find("libbar.so", "/app/prog", requester));
        Assert.Null(search.Find("libnone.so", "/app/prog", requester));
    }

    private static List<string> Infer(bool withIcu, string? runtimeConfig, string[] env)
    {
        var extra = runtimeConfig is null ? [] : new[] { ("Hello.runtimeconfig.json", Encoding.UTF8.GetBytes(runtimeConfig)) };
        var (view, _) = DotnetStartupInferenceTests.HelloImage(OsLayer(withIcu), extra);
        var result = DotnetStartupInference.Infer(view, ViaMuxer with { Env = env });
        Assert.Null(result.Reason);
        Assert.Contains("/app/Hello.dll", result.Paths);
        return result.Paths.ToList();
    }

    /// <summary>The app's runtimeconfig with <c>configProperties["System.Globalization.Invariant"]</c> set to the JSON <paramref name="value"/>.</summary>
    private static string InvariantProperty(string value)
    {
        var config = JsonNode.Parse(System.IO.File.ReadAllText(Path.Combine(HelloDir, "Hello.runtimeconfig.json")))!;
        var options = config["runtimeOptions"]!.AsObject();
        if (options["configProperties"] is not JsonObject properties) options["configProperties"] = properties = [];
        properties["System.Globalization.Invariant"] = JsonNode.Parse(value);
        return config.ToJsonString();
    }

    private static HostLibraryLayer OsLayer(bool withIcu)
    {
        if (RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64 || !OperatingSystem.IsLinux())
            Assert.Skip("the OS layer copies this machine's x86-64 glibc libraries");
        return HostLibraryLayer.Build(withIcu, out var missing) ?? throw SkipException(missing);
    }

    private static Exception SkipException(string reason)
    {
        Assert.Skip(reason);
        return new InvalidOperationException(reason);
    }
}
