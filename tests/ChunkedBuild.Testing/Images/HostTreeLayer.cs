using System.Formats.Tar;
using System.IO.Compression;

namespace ChunkedBuild.Testing.Images;

/// <summary>A gzip layer made of files of this machine (<see cref="HostTreeLayerBuilder"/>).</summary>
/// <param name="Layer">The gzip blob and its diff ID.</param>
/// <param name="HostFiles">Image path (absolute, e.g. <c>/usr/lib/x86_64-linux-gnu/libc.so.6</c>) → host path of every regular file it
/// holds that came from this machine (generated files excluded).</param>
/// <param name="Files">The image paths (absolute, sorted) of every regular file it holds, generated ones included.</param>
/// <param name="TarBytes">The uncompressed tar size.</param>
public sealed record HostTreeLayer(TestLayer Layer, IReadOnlyDictionary<string, string> HostFiles, IReadOnlyList<string> Files, long TarBytes);

/// <summary>
/// Builds a deterministic layer from paths of this machine: ustar entries (pax only for names or link targets over 100 bytes), uid/gid 0,
/// mtime <see cref="TestLayers.EntryTime"/>, sorted paths (so every directory precedes its contents; missing ancestors are added with the
/// host's modes), symlinks kept as symlinks, files linked together on the host (same inode) as hard links, permission bits (setuid
/// included) from the host. Paths under the merged-usr aliases of the host root (<c>/lib → usr/lib</c>, …) are stored at their
/// <c>usr/</c> path; the aliases themselves are symlinks. Missing and special files (devices, fifos, sockets) are skipped.
/// </summary>
public sealed class HostTreeLayerBuilder
{
    private readonly Dictionary<string, string> _aliases = RootAliases();
    private readonly SortedSet<string> _paths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (byte[] Content, UnixFileMode Mode)> _generated = new(StringComparer.Ordinal);

    /// <summary>Image paths (relative, no trailing slash) whose entries are left out; their ancestors are still added.</summary>
    public Func<string, bool> Exclude { get; init; } = _ => false;

    /// <summary>Adds a host path (absolute), resolved through the merged-usr aliases; ignored when excluded.</summary>
    public void AddHostPath(string hostPath)
    {
        var relative = Resolve(hostPath);
        if (relative.Length > 0 && !Exclude(relative)) _paths.Add(relative);
    }

    /// <summary>Adds a regular file with the given content (generated, e.g. a filtered dpkg status), replacing any host file there.</summary>
    public void AddContent(string imagePath, byte[] content, UnixFileMode mode)
    {
        var relative = imagePath.Trim('/');
        _generated[relative] = (content, mode);
        _paths.Add(relative);
    }

    /// <summary>True when the path (after alias resolution) was added.</summary>
    public bool Contains(string hostPath) => _paths.Contains(Resolve(hostPath));

    /// <summary>The image path (relative, no leading slash) a host path is stored at: <c>/lib/x/y</c> → <c>usr/lib/x/y</c>.</summary>
    public string Resolve(string hostPath)
    {
        var relative = hostPath.Trim('/');
        var slash = relative.IndexOf('/');
        return slash > 0 && _aliases.TryGetValue(relative[..slash], out var target) ? target + relative[slash..] : relative;
    }

    /// <summary>Writes the tar and gzips it at <paramref name="level"/>.</summary>
    public HostTreeLayer Build(CompressionLevel level)
    {
        var all = new SortedSet<string>(_paths, StringComparer.Ordinal);
        foreach (var path in _paths)
        {
            for (var i = path.IndexOf('/'); i > 0; i = path.IndexOf('/', i + 1)) all.Add(path[..i]);
        }
        var stats = Stat(all.Where(p => !_generated.ContainsKey(p)).Select(p => "/" + p).ToList());
        var firstOfInode = new Dictionary<(string, string), string>();
        var hostFiles = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var files = new List<string>();
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var path in all)
            {
                if (_generated.TryGetValue(path, out var generated))
                {
                    var g = Entry(TarEntryType.RegularFile, path, generated.Mode, null);
                    g.DataStream = new MemoryStream(generated.Content, writable: false);
                    writer.WriteEntry(g);
                    files.Add("/" + path);
                    continue;
                }
                if (!stats.TryGetValue("/" + path, out var stat)) continue;
                switch (stat.Type)
                {
                    case "directory":
                        writer.WriteEntry(Entry(TarEntryType.Directory, path + "/", stat.Mode, null));
                        break;
                    case "symbolic link":
                        writer.WriteEntry(Entry(TarEntryType.SymbolicLink, path, (UnixFileMode)0b111_111_111, new FileInfo("/" + path).LinkTarget));
                        break;
                    case "regular file" or "regular empty file":
                        if (stat.Links > 1 && firstOfInode.TryGetValue((stat.Device, stat.Inode), out var first))
                        {
                            writer.WriteEntry(Entry(TarEntryType.HardLink, path, stat.Mode, first));
                            break;
                        }
                        if (stat.Links > 1) firstOfInode[(stat.Device, stat.Inode)] = path;
                        var entry = Entry(TarEntryType.RegularFile, path, stat.Mode, null);
                        using (var content = File.OpenRead("/" + path))
                        {
                            entry.DataStream = content;
                            writer.WriteEntry(entry);
                        }
                        hostFiles["/" + path] = "/" + path;
                        files.Add("/" + path);
                        break;
                }
            }
        }
        var tarBytes = tar.ToArray();
        var layer = TestLayer.FromTar(tarBytes, level);
        return new HostTreeLayer(layer, hostFiles, files.Order(StringComparer.Ordinal).ToList(), tarBytes.Length);
    }

    private sealed record HostStat(string Type, int Links, string Device, string Inode, UnixFileMode Mode);

    /// <summary>lstat of every path through coreutils <c>stat</c> (type, link count, device, inode, octal mode), in batches; missing paths are absent.</summary>
    private static Dictionary<string, HostStat> Stat(IReadOnlyList<string> paths)
    {
        var result = new Dictionary<string, HostStat>(StringComparer.Ordinal);
        foreach (var batch in paths.Chunk(1000))
        {
            var output = ProcessRunner.Run("stat", ["-c", "%F|%h|%d|%i|%a|%n", "--", .. batch], timeout: TimeSpan.FromMinutes(1));
            foreach (var line in output.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var f = line.Split('|', 6);
                if (f.Length == 6)
                    result[f[5]] = new HostStat(f[0], int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), f[2], f[3], (UnixFileMode)Convert.ToInt32(f[4], 8));
            }
        }
        return result;
    }

    /// <summary>The host root's merged-usr symlinks (<c>lib → usr/lib</c>, …).</summary>
    private static Dictionary<string, string> RootAliases()
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "bin", "sbin", "lib", "lib32", "lib64", "libx32" })
        {
            if (new FileInfo("/" + name).LinkTarget is { } target && target.TrimStart('/').StartsWith("usr/", StringComparison.Ordinal))
                aliases[name] = target.TrimStart('/').TrimEnd('/');
        }
        return aliases;
    }

    /// <summary>A ustar entry, or pax when the name or link target does not fit ustar's 100-byte fields.</summary>
    private static TarEntry Entry(TarEntryType type, string name, UnixFileMode mode, string? linkName)
    {
        TarEntry entry = name.Length <= 100 && (linkName?.Length ?? 0) <= 100
            ? new UstarTarEntry(type, name) { UserName = "root", GroupName = "root" }
            : new PaxTarEntry(type, name) { UserName = "root", GroupName = "root" };
        entry.Mode = mode;
        entry.Uid = 0;
        entry.Gid = 0;
        entry.ModificationTime = TestLayers.EntryTime;
        if (linkName is not null) entry.LinkName = linkName;
        return entry;
    }
}
