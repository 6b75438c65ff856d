using System.Formats.Tar;
using System.IO.Compression;

namespace ChunkedBuild.Testing.Images;

/// <summary>What <see cref="DotnetRuntimeLayer.Build"/> puts in the layer and how it compresses it.</summary>
public sealed record DotnetRuntimeLayerOptions
{
    /// <summary>
    /// Every file of the framework folder (about 70 MB uncompressed: benchmarks). Default false, for test time: the files the host loads
    /// for a console app (<see cref="DotnetRuntimeLayer.StartupFiles"/>), <see cref="DotnetRuntimeLayer.HelloReferences"/>, and a
    /// sample of the other files (every one up to <see cref="SampleMaxBytes"/>: about 140 small assemblies), about 36 MB uncompressed.
    /// </summary>
    public bool AllFrameworkFiles { get; init; }

    /// <summary>Without <see cref="AllFrameworkFiles"/>: the other framework files up to this size are included.</summary>
    public long SampleMaxBytes { get; init; } = 200_000;

    /// <summary>Add the decoys (<see cref="DotnetRuntimeImageLayer.Decoys"/>; default true). False gives the official image's content.</summary>
    public bool Decoys { get; init; } = true;

    /// <summary>The gzip level (default Fastest: the layer is large and only its content matters).</summary>
    public CompressionLevel Level { get; init; } = CompressionLevel.Fastest;
}

/// <summary>A runtime layer: the gzip blob and the image paths of what it holds.</summary>
/// <param name="Layer">The gzip layer and its diff ID.</param>
/// <param name="Runtime">The installed runtime it was copied from.</param>
/// <param name="Files">The image paths (absolute) of its regular files.</param>
/// <param name="Decoys">Documentation and test-looking files it also holds, which no startup list may choose.</param>
public sealed record DotnetRuntimeImageLayer(TestLayer Layer, InstalledDotnetRuntime Runtime, IReadOnlyList<string> Files, IReadOnlyList<string> Decoys);

/// <summary>
/// Builds a .NET runtime layer from the runtime installed on this machine, laid out as the official images do:
/// <c>/usr/share/dotnet/dotnet</c>, <c>/usr/share/dotnet/host/fxr/&lt;v&gt;/libhostfxr.so</c>,
/// <c>/usr/share/dotnet/shared/Microsoft.NETCore.App/&lt;v&gt;/…</c> and the symlink <c>/usr/bin/dotnet → ../share/dotnet/dotnet</c>,
/// plus (unless <see cref="DotnetRuntimeLayerOptions.Decoys"/> is off) decoys (<c>System.Private.CoreLib.xml</c>, <c>System.Private.CoreLib.pdb</c>, <c>xunit.core.dll</c> in the framework folder).
/// ustar entries (uid/gid 0, the fixed <see cref="TestLayers.EntryTime"/>), so the same runtime gives the same bytes.
/// </summary>
public static class DotnetRuntimeLayer
{
    /// <summary>Where the runtime goes in the image.</summary>
    public const string DotnetRoot = "usr/share/dotnet";

    /// <summary>Framework files the host opens to start any console app (formats of docs/prioritization.md's "Order").</summary>
    public static IReadOnlyList<string> StartupFiles { get; } =
    [
        "Microsoft.NETCore.App.deps.json", "Microsoft.NETCore.App.runtimeconfig.json", "libhostpolicy.so", "libcoreclr.so",
        "libcoreclrtraceptprovider.so", "libSystem.Native.so", "libclrjit.so", "System.Private.CoreLib.dll",
    ];

    /// <summary>Framework assemblies the sample app (tests/ChunkedBuild.Testing/Apps/Hello) loads, directly or through the first.</summary>
    public static IReadOnlyList<string> HelloReferences { get; } =
    [
        "System.Runtime.dll", "System.Console.dll", "System.Runtime.InteropServices.dll", "System.Threading.dll",
        "System.Text.Encoding.Extensions.dll", "System.Collections.dll", "System.Memory.dll", "Microsoft.Win32.Primitives.dll",
    ];

    /// <summary>Builds the layer; null (with the reason) when no runtime is installed.</summary>
    public static DotnetRuntimeImageLayer? Build(DotnetRuntimeLayerOptions? options, out string reason)
    {
        options ??= new DotnetRuntimeLayerOptions();
        if (InstalledDotnetRuntime.Find(out reason) is not { } runtime) return null;
        var framework = $"{DotnetRoot}/shared/Microsoft.NETCore.App/{runtime.Version}";
        var fxr = $"{DotnetRoot}/host/fxr/{runtime.FxrVersion}";
        var wanted = new HashSet<string>(StartupFiles.Concat(HelloReferences), StringComparer.Ordinal);
        var frameworkFiles = Directory.GetFiles(runtime.FrameworkFolder).Order(StringComparer.Ordinal)
            .Where(f => options.AllFrameworkFiles || wanted.Contains(Path.GetFileName(f)) || new FileInfo(f).Length <= options.SampleMaxBytes)
            .ToList();
        var files = new List<string>();
        var decoys = new List<string>();
        using var tar = new MemoryStream();
        using (var w = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var dir in new[] { "usr/", "usr/bin/", "usr/share/", $"{DotnetRoot}/" }) w.WriteEntry(Entry(TarEntryType.Directory, dir, Executable));
            AddFile(w, $"{DotnetRoot}/dotnet", File.ReadAllBytes(runtime.Muxer), Executable, files);
            foreach (var dir in new[] { $"{DotnetRoot}/host/", $"{DotnetRoot}/host/fxr/", fxr + "/" }) w.WriteEntry(Entry(TarEntryType.Directory, dir, Executable));
            AddFile(w, fxr + "/libhostfxr.so", File.ReadAllBytes(runtime.HostFxr), Executable, files);
            foreach (var dir in new[] { $"{DotnetRoot}/shared/", $"{DotnetRoot}/shared/Microsoft.NETCore.App/", framework + "/" })
                w.WriteEntry(Entry(TarEntryType.Directory, dir, Executable));
            foreach (var file in frameworkFiles)
                AddFile(w, $"{framework}/{Path.GetFileName(file)}", File.ReadAllBytes(file), ModeOf(file), files);
            if (options.Decoys)
            {
                // Decoys: a documentation file and a symbol file next to CoreLib, a test framework assembly; none may be prioritized.
                AddFile(w, $"{framework}/System.Private.CoreLib.xml", SeededBytes.Text(20_000, 0xD0C5UL), ReadWrite, decoys);
                AddFile(w, $"{framework}/System.Private.CoreLib.pdb", SeededBytes.Random(30_000, 0x9DBUL), ReadWrite, decoys);
                AddFile(w, $"{framework}/xunit.core.dll", SeededBytes.Random(25_000, 0x7E57UL), ReadWrite, decoys);
            }
            var link = Entry(TarEntryType.SymbolicLink, "usr/bin/dotnet", (UnixFileMode)0b111_111_111);
            link.LinkName = "../share/dotnet/dotnet";
            w.WriteEntry(link);
        }
        var layer = TestLayer.FromTar(tar.ToArray(), options.Level);
        return new DotnetRuntimeImageLayer(layer, runtime, files, decoys);
    }

    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101;
    private const UnixFileMode ReadWrite = (UnixFileMode)0b110_100_100;

    /// <summary>0755 for the runtime's native libraries and programs, 0644 for the rest (what the official packages ship).</summary>
    private static UnixFileMode ModeOf(string file) =>
        file.EndsWith(".so", StringComparison.Ordinal) || Path.GetFileName(file) == "createdump" ? Executable : ReadWrite;

    private static void AddFile(TarWriter w, string name, byte[] content, UnixFileMode mode, List<string> paths)
    {
        var entry = Entry(TarEntryType.RegularFile, name, mode);
        entry.DataStream = new MemoryStream(content, writable: false);
        w.WriteEntry(entry);
        paths.Add("/" + name);
    }

    private static UstarTarEntry Entry(TarEntryType type, string name, UnixFileMode mode) => new(type, name)
    {
        Mode = mode, Uid = 0, Gid = 0, UserName = "root", GroupName = "root", ModificationTime = TestLayers.EntryTime,
    };
}
