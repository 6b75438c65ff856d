using System.Formats.Tar;
using System.IO.Compression;
using ChunkedBuild.Testing.Images;
using Xunit;

namespace ChunkedBuild.Core.Tests.Images;

/// <summary>The Debian base layers the start-up benchmark builds from this machine's dpkg database (<see cref="DebianBaseLayers"/>).</summary>
public sealed class DebianBaseLayersTests
{
    [Fact]
    public void OsLayerHoldsLibcAtItsMergedUsrPathAndNoManPages()
    {
        if (!File.Exists("/etc/debian_version")) Assert.Skip("not a Debian machine");
        var db = DpkgDatabase.Load(out var reason) ?? throw new InvalidOperationException(reason);
        // libc6 and what it needs (libgcc-s1, gcc-12-base) plus base-files: small, with man pages, docs and the /lib64 loader link.
        var packages = db.Closure(["libc6", "base-files", "libc-bin"]);
        Assert.Contains(packages, p => p.Name == "libc6");
        var layer = DebianBaseLayers.OsLayer(packages, CompressionLevel.Fastest);

        var entries = Entries(layer.Layer);
        var names = entries.Select(e => e.Name).ToList();
        Assert.Equal(TarEntryType.RegularFile, entries.Single(e => e.Name == "usr/lib/x86_64-linux-gnu/libc.so.6").Type);
        Assert.DoesNotContain(names, n => n.StartsWith("lib/", StringComparison.Ordinal));
        var lib = entries.Single(e => e.Name == "lib");
        Assert.Equal((TarEntryType.SymbolicLink, "usr/lib"), (lib.Type, lib.LinkName));
        // The folders stay (as in debian:bookworm-slim), empty.
        Assert.DoesNotContain(names, n => n.Length > "usr/share/man/".Length && n.StartsWith("usr/share/man/", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.Length > "usr/share/locale/".Length && n.StartsWith("usr/share/locale/", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("usr/share/doc/libc6/", StringComparison.Ordinal) && n is not ("usr/share/doc/libc6/" or "usr/share/doc/libc6/copyright"));
        Assert.Contains("usr/share/doc/libc6/copyright", names);
        // Sorted, every directory before its contents, uid/gid 0 and the fixed mtime.
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names.Select(n => n.TrimEnd('/')))
        {
            var slash = name.LastIndexOf('/');
            if (slash > 0) Assert.Contains(name[..slash], seen);
            seen.Add(name);
        }
        Assert.All(entries, e => Assert.Equal((0, 0, TestLayers.EntryTime), (e.Uid, e.Gid, e.ModificationTime)));
        // The dpkg status holds the layer's packages only.
        var status = System.Text.Encoding.UTF8.GetString(entries.Single(e => e.Name == "var/lib/dpkg/status").Content);
        Assert.Equal(packages.Select(p => p.Name).Order(StringComparer.Ordinal),
            status.Split('\n').Where(l => l.StartsWith("Package: ", StringComparison.Ordinal)).Select(l => l[9..]).Order(StringComparer.Ordinal));
        Assert.Contains("/usr/lib/x86_64-linux-gnu/libc.so.6", layer.Tree.HostFiles.Keys);
    }

    [Fact]
    public void SamePackagesGiveTheSameBytes()
    {
        if (!File.Exists("/etc/debian_version")) Assert.Skip("not a Debian machine");
        var db = DpkgDatabase.Load(out var reason) ?? throw new InvalidOperationException(reason);
        var packages = db.Closure(["zlib1g", "base-files"]);
        var first = DebianBaseLayers.OsLayer(packages, CompressionLevel.Fastest);
        var second = DebianBaseLayers.OsLayer(packages, CompressionLevel.Fastest);
        Assert.Equal(first.Layer.DiffId, second.Layer.DiffId);
        Assert.Equal(first.Layer.Gzip, second.Layer.Gzip);
    }

    [Fact]
    public void RequiredClosureIsTheSlimPackageSet()
    {
        if (!File.Exists("/etc/debian_version")) Assert.Skip("not a Debian machine");
        var db = DpkgDatabase.Load(out var reason) ?? throw new InvalidOperationException(reason);
        var names = db.Closure(db.Packages.Values.Where(p => p.Priority == "required").Select(p => p.Name)).Select(p => p.Name).ToList();
        Assert.Contains("libc6", names);
        Assert.Contains("bash", names);
        Assert.Contains("dpkg", names);
        Assert.DoesNotContain("libicu72", names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    private sealed record Item(string Name, TarEntryType Type, string LinkName, int Uid, int Gid, DateTimeOffset ModificationTime, byte[] Content);

    private static List<Item> Entries(TestLayer layer)
    {
        using var reader = new TarReader(new GZipStream(new MemoryStream(layer.Gzip), CompressionMode.Decompress));
        var items = new List<Item>();
        while (reader.GetNextEntry() is { } e)
        {
            using var content = new MemoryStream();
            e.DataStream?.CopyTo(content);
            items.Add(new Item(e.Name, e.EntryType, e.LinkName, e.Uid, e.Gid, e.ModificationTime, content.ToArray()));
        }
        return items;
    }
}
