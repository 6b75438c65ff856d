using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Prioritization.Dotnet;
using ChunkedBuild.Core.Prioritization.FileView;
using ChunkedBuild.Core.Tar;
using Xunit;
using static ChunkedBuild.Core.Tests.Prioritization.TarListing;

namespace ChunkedBuild.Core.Tests.Prioritization.Dotnet;

/// <summary>
/// Single-file apps published by the SDK (<see cref="SingleFileApps"/>): the bundle manifest of the real executables, and the startup
/// inference over images holding them at /app (entrypoint <c>/app/Hello</c>), on this machine's real glibc/libstdc++ layer
/// (<see cref="HostLibraryLayer"/>) and, for the framework-dependent one, this machine's dotnet root at /usr/share/dotnet.
/// </summary>
public sealed class SingleFileAppTests(SingleFileApps apps) : IClassFixture<SingleFileApps>
{
    private const string Lib = HostLibraryLayer.LibDir;
    private static readonly ImageRunSettings Hello = new()
    {
        Platform = new Platform { Os = "linux", Architecture = "amd64" }, Entrypoint = ["/app/Hello"], WorkingDir = "/app",
    };

    private static string Runtime => $"/usr/share/dotnet/shared/Microsoft.NETCore.App/{new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory()).Name}";

    [Fact]
    public void The_manifest_of_a_framework_dependent_bundle_holds_what_a_regular_publish_writes_beside_the_app()
    {
        var bundle = Assert.IsType<SingleFileBundle>(SingleFileBundle.TryRead(System.IO.File.ReadAllBytes(Path.Combine(apps.FrameworkDependent, "Hello"))));
        Assert.Equal(6u, bundle.MajorVersion);
        Assert.Equal(
            [("Hello.deps.json", BundleFileType.DepsJson), ("Hello.dll", BundleFileType.Assembly), ("Hello.runtimeconfig.json", BundleFileType.RuntimeConfigJson)],
            bundle.Entries.Select(e => (e.RelativePath, e.Type)).OrderBy(e => e.RelativePath, StringComparer.Ordinal));
        foreach (var entry in bundle.Entries)
        {
            var regular = System.IO.File.ReadAllBytes(Path.Combine(apps.Regular, entry.RelativePath));
            Assert.Equal(regular.Length, entry.Size);
            Assert.Equal(0, entry.CompressedSize);
            if (entry.Type != BundleFileType.Assembly) Assert.Equal(regular, bundle.Read(entry, 1 << 20));
        }
        Assert.Equal("Hello.dll", bundle.EntryAssembly("Hello")?.RelativePath);
        Assert.Same(bundle.RuntimeConfig, bundle.Find("Hello.runtimeconfig.json"));
        Assert.Same(bundle.Deps, bundle.Find("Hello.deps.json"));
    }

    [Fact]
    public void The_manifest_of_a_self_contained_bundle_holds_the_framework_too()
    {
        var bundle = Assert.IsType<SingleFileBundle>(SingleFileBundle.TryRead(System.IO.File.ReadAllBytes(Path.Combine(apps.SelfContained, "Hello"))));
        Assert.Equal("Hello.dll", bundle.EntryAssembly("Hello")?.RelativePath);
        Assert.Equal(BundleFileType.Assembly, bundle.Find("System.Private.CoreLib.dll")?.Type);
        Assert.Equal(System.IO.File.ReadAllBytes(Path.Combine(apps.Regular, "Hello.dll")).Length, bundle.Find("Hello.dll")!.Size);
        var config = Encoding.UTF8.GetString(bundle.Read(bundle.RuntimeConfig!, 1 << 20)!);
        Assert.Contains("includedFrameworks", config);
        Assert.DoesNotContain(bundle.Entries, e => e.Type == BundleFileType.Symbols); // Hello.pdb stays beside the executable
    }

    [Fact]
    public void A_plain_app_host_and_broken_bundles_are_not_bundles()
    {
        Assert.Null(SingleFileBundle.TryRead(System.IO.File.ReadAllBytes(Path.Combine(apps.Regular, "Hello")))); // the signature with offset 0
        var real = System.IO.File.ReadAllBytes(Path.Combine(apps.FrameworkDependent, "Hello"));
        Assert.NotNull(SingleFileBundle.TryRead(real));
        var signature = real.AsSpan().IndexOf(SingleFileBundleTests.Signature);
        var header = (int)BinaryPrimitives.ReadInt64LittleEndian(real.AsSpan(signature - 8));

        Assert.Null(SingleFileBundle.TryRead(real[..^20]));                      // the manifest's end cut off
        Assert.Null(SingleFileBundle.TryRead(real[..(header + 6)]));             // the header cut off
        Assert.Null(SingleFileBundle.TryRead(real[..signature]));                // no signature
        Assert.Null(SingleFileBundle.TryRead(Patched(real, signature - 8, BitConverter.GetBytes((long)real.Length + 10))));
        Assert.Null(SingleFileBundle.TryRead(Patched(real, signature - 8, BitConverter.GetBytes(-5L))));
        Assert.Null(SingleFileBundle.TryRead(Patched(real, header, BitConverter.GetBytes(7u))));          // an unknown major version
        Assert.Null(SingleFileBundle.TryRead(Patched(real, header + 8, BitConverter.GetBytes(int.MaxValue)))); // file count
        Assert.Null(SingleFileBundle.TryRead(Patched(real, header + 8, BitConverter.GetBytes(0))));
        Assert.Null(SingleFileBundle.TryRead(Patched(real, header + 12, [0])));                           // an empty bundle ID
        var firstEntry = header + 12 + 1 + real[header + 12] + 40;
        Assert.Null(SingleFileBundle.TryRead(Patched(real, firstEntry, BitConverter.GetBytes((long)real.Length - 2)))); // content past the end
        Assert.Null(SingleFileBundle.TryRead(Patched(real, firstEntry + 24, [9])));                       // an unknown file type
    }

    [Fact]
    public void A_framework_dependent_single_file_app_starts_with_its_executable_then_loads_the_shared_runtime()
    {
        var view = Image(apps.FrameworkDependent, withRuntime: true, OsLayer());
        var result = DotnetStartupInference.Infer(view, Hello);
        Assert.Null(result.Reason);
        Assert.Equal("/app/Hello", result.AppPath);
        var paths = result.Paths.ToList();
        Assert.Equal(["/app/Hello", "/lib64", "/usr/lib64/ld-linux-x86-64.so.2", "/lib", $"{Lib}/ld-linux-x86-64.so.2", "/etc/ld.so.cache"], paths.Take(6));
        Assert.Contains($"{Lib}/libstdc++.so.6", paths);

        var hostFxr = Assert.Single(paths, p => p.StartsWith("/usr/share/dotnet/host/fxr/", StringComparison.Ordinal));
        string[] order =
        [
            hostFxr, $"{Runtime}/Microsoft.NETCore.App.deps.json", $"{Runtime}/libhostpolicy.so", $"{Runtime}/libcoreclr.so",
            $"{Runtime}/libclrjit.so", $"{Runtime}/System.Private.CoreLib.dll",
        ];
        Assert.All(order, p => Assert.Contains(p, paths));
        Assert.Equal(order, order.OrderBy(paths.IndexOf));
        // the framework assemblies the bundled Hello.dll references (read from the bundle), after CoreLib
        Assert.True(paths.IndexOf($"{Runtime}/System.Private.CoreLib.dll") < paths.IndexOf($"{Runtime}/System.Console.dll"));
        Assert.Contains($"{Runtime}/System.Runtime.dll", paths);
        Assert.InRange(paths.Count(p => p.StartsWith(Runtime, StringComparison.Ordinal) && p.EndsWith(".dll", StringComparison.Ordinal)), 3, 40);
        // nothing the bundle holds is a file; no symbols; the app is globalization-invariant: no ICU
        Assert.DoesNotContain(paths, p => p.StartsWith("/app/", StringComparison.Ordinal) && p != "/app/Hello");
        Assert.DoesNotContain(paths, p => p.EndsWith(".pdb", StringComparison.Ordinal) || p.Contains("libicu", StringComparison.Ordinal));
        Assert.Equal(paths.Count, paths.Distinct().Count());
    }

    [Fact]
    public void A_self_contained_single_file_app_lists_its_executable_its_os_libraries_and_the_runtime_libraries_beside_it()
    {
        var systemNative = System.IO.File.ReadAllBytes(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so"));
        var view = Image(apps.SelfContained, withRuntime: false, OsLayer(),
            ("libSystem.Native.so", systemNative), ("libUnrelated.so", systemNative), ("appsettings.json", "{}"u8.ToArray()));
        var result = DotnetStartupInference.Infer(view, Hello);
        Assert.Null(result.Reason);
        Assert.Equal("/app/Hello", result.AppPath);
        var paths = result.Paths.ToList();
        Assert.Equal(["/app/Hello", "/lib64", "/usr/lib64/ld-linux-x86-64.so.2", "/lib", $"{Lib}/ld-linux-x86-64.so.2", "/etc/ld.so.cache"], paths.Take(6));
        // the single-file host links the runtime in: its own DT_NEEDED closure holds what libcoreclr.so would add (librt)
        foreach (var soname in HostLibraryLayer.SystemLibraries) Assert.Contains($"{Lib}/{soname}", paths);
        Assert.Contains("/app/libSystem.Native.so", paths);
        Assert.Contains("/app/appsettings.json", paths);
        Assert.DoesNotContain("/app/libUnrelated.so", paths);
        Assert.DoesNotContain(paths, p => p.EndsWith(".pdb", StringComparison.Ordinal) || p.StartsWith("/usr/share/dotnet", StringComparison.Ordinal));
        Assert.Equal(paths.Count, paths.Distinct().Count());
    }

    [Fact]
    public void A_self_contained_single_file_app_without_an_os_layer_still_lists_its_executable()
    {
        var result = DotnetStartupInference.Infer(Image(apps.SelfContained, withRuntime: false, os: null), Hello);
        Assert.Null(result.Reason);
        Assert.Equal(["/app/Hello"], result.Paths);
    }

    [Fact]
    public void A_framework_dependent_single_file_app_without_a_runtime_says_so()
    {
        var result = DotnetStartupInference.Infer(Image(apps.FrameworkDependent, withRuntime: false, os: null), Hello);
        Assert.Empty(result.Paths);
        Assert.Contains("needs a shared .NET runtime", result.Reason);
    }

    [Fact]
    public void A_plain_app_host_without_its_dll_is_not_a_dotnet_app()
    {
        var host = System.IO.File.ReadAllBytes(Path.Combine(apps.Regular, "Hello"));
        var view = LayeredImageFileView.FromLayers([[Dir("app/"), File("app/Hello", host.Length)]], (_, _) => host);
        var result = DotnetStartupInference.Infer(view, Hello);
        Assert.Empty(result.Paths);
        Assert.Contains("not a .NET app", result.Reason);
    }

    /// <summary>
    /// An image of the OS layer (when given), the local dotnet root (when <paramref name="withRuntime"/>) and ./app/ holding the files of
    /// <paramref name="publishFolder"/> plus <paramref name="extra"/>.
    /// </summary>
    private static LayeredImageFileView Image(string publishFolder, bool withRuntime, HostLibraryLayer? os, params (string Name, byte[] Content)[] extra)
    {
        var appFiles = Directory.GetFiles(publishFolder).ToDictionary(f => "./app/" + Path.GetFileName(f),
            f => (Size: new FileInfo(f).Length, Read: (Func<byte[]>)(() => System.IO.File.ReadAllBytes(f))));
        foreach (var (name, content) in extra) appFiles["./app/" + name] = (content.Length, () => content);
        var appLayer = new List<TarEntryInfo> { Dir("./app/") };
        appLayer.AddRange(appFiles.Keys.Order(StringComparer.Ordinal).Select(name => File(name, appFiles[name].Size)));
        var layers = new List<(List<TarEntryInfo> Entries, Func<string, byte[]?> Read)>();
        if (os is not null) layers.Add((os.Entries, os.Read));
        if (withRuntime) layers.Add((DotnetStartupInferenceTests.LocalDotnetRootLayer(), DotnetStartupInferenceTests.ReadLocalDotnetRoot));
        layers.Add((appLayer, name => appFiles[name].Read()));
        return LayeredImageFileView.FromLayers(layers.Select(l => l.Entries), (file, _) => layers[file.LayerIndex].Read(file.EntryName));
    }

    private static HostLibraryLayer OsLayer()
    {
        if (RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64 || !OperatingSystem.IsLinux())
            Assert.Skip("the OS layer copies this machine's x86-64 glibc libraries");
        var layer = HostLibraryLayer.Build(withIcu: true, out var missing);
        if (layer is null) Assert.Skip(missing);
        return layer;
    }

    private static byte[] Patched(byte[] bytes, int offset, byte[] replacement)
    {
        var copy = (byte[])bytes.Clone();
        replacement.CopyTo(copy, offset);
        return copy;
    }
}
