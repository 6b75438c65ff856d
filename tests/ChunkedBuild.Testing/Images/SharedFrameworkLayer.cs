using System.Formats.Tar;
using System.IO.Compression;

namespace ChunkedBuild.Testing.Images;

/// <summary>A shared framework layer (<see cref="SharedFrameworkLayer.Build"/>).</summary>
/// <param name="Layer">The gzip layer and its diff ID.</param>
/// <param name="Name">The framework name, e.g. <c>Microsoft.AspNetCore.App</c>.</param>
/// <param name="Version">Its version.</param>
/// <param name="HostFolder">The installed folder it was copied from.</param>
/// <param name="Files">The image paths (absolute) of its files.</param>
public sealed record SharedFrameworkImageLayer(TestLayer Layer, string Name, string Version, string HostFolder, IReadOnlyList<string> Files);

/// <summary>
/// A layer holding one more installed shared framework as the official images add it on top of the runtime (the <c>aspnet</c> image's
/// layer): <c>/usr/share/dotnet/shared/&lt;name&gt;/&lt;version&gt;/…</c> with its parent folders, every file of the installed folder,
/// deterministic entries as <see cref="DotnetRuntimeLayer"/>'s (ustar, uid/gid 0, <see cref="TestLayers.EntryTime"/>, sorted).
/// </summary>
public static class SharedFrameworkLayer
{
    /// <summary>The ASP.NET Core shared framework.</summary>
    public const string AspNetCore = "Microsoft.AspNetCore.App";

    /// <summary>Builds the layer of <paramref name="name"/> for <paramref name="runtime"/>; null (with the reason) when it is not installed.</summary>
    public static SharedFrameworkImageLayer? Build(InstalledDotnetRuntime runtime, string name, CompressionLevel level, out string reason)
    {
        reason = "";
        if (runtime.SharedFrameworkVersion(name) is not { } version)
        {
            reason = $"{name} is not installed under {runtime.Root}";
            return null;
        }
        var hostFolder = Path.Combine(runtime.Root, "shared", name, version);
        var folder = $"{DotnetRuntimeLayer.DotnetRoot}/shared/{name}/{version}";
        var files = new List<string>();
        using var tar = new MemoryStream();
        using (var w = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var dir in new[] { "usr/", "usr/share/", $"{DotnetRuntimeLayer.DotnetRoot}/", $"{DotnetRuntimeLayer.DotnetRoot}/shared/",
                         $"{DotnetRuntimeLayer.DotnetRoot}/shared/{name}/", folder + "/" })
                w.WriteEntry(Entry(TarEntryType.Directory, dir, Executable));
            foreach (var file in Directory.GetFiles(hostFolder).Order(StringComparer.Ordinal))
            {
                var entry = Entry(TarEntryType.RegularFile, $"{folder}/{Path.GetFileName(file)}", file.EndsWith(".so", StringComparison.Ordinal) ? Executable : ReadWrite);
                using var content = File.OpenRead(file);
                entry.DataStream = content;
                w.WriteEntry(entry);
                files.Add($"/{folder}/{Path.GetFileName(file)}");
            }
        }
        return new SharedFrameworkImageLayer(TestLayer.FromTar(tar.ToArray(), level), name, version, hostFolder, files);
    }

    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101;
    private const UnixFileMode ReadWrite = (UnixFileMode)0b110_100_100;

    private static UstarTarEntry Entry(TarEntryType type, string name, UnixFileMode mode) => new(type, name)
    {
        Mode = mode, Uid = 0, Gid = 0, UserName = "root", GroupName = "root", ModificationTime = TestLayers.EntryTime,
    };
}
