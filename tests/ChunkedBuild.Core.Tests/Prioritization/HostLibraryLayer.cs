using System.Text;
using ChunkedBuild.Core.Tar;
using static ChunkedBuild.Core.Tests.Prioritization.TarListing;

namespace ChunkedBuild.Core.Tests.Prioritization;

/// <summary>
/// A Debian 12 style (merged-usr) OS layer listing holding this machine's real x86-64 glibc, libstdc++, libgcc and ICU
/// libraries with their symlinks: <c>/lib → usr/lib</c>, <c>/lib64 → usr/lib64</c>,
/// <c>/usr/lib64/ld-linux-x86-64.so.2 → /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2</c>, an <c>/etc/ld.so.conf</c> that
/// includes <c>/etc/ld.so.conf.d/*.conf</c>, plus decoys no .NET start loads: libssl and libz (real), a fake
/// liblttng-ust (libcoreclrtraceptprovider.so needs it) and, with ICU, a fake older ICU (67).
/// </summary>
internal sealed class HostLibraryLayer
{
    /// <summary>The host folder the libraries are copied from, and their folder in the image.</summary>
    public const string LibDir = "/usr/lib/x86_64-linux-gnu";

    /// <summary>The glibc/GCC runtime libraries a .NET host loads (sonames).</summary>
    public static readonly string[] SystemLibraries =
        ["ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libdl.so.2", "libpthread.so.0", "librt.so.1"];

    /// <summary>Real libraries in the layer that a start does not load.</summary>
    public static readonly string[] RealDecoys = ["libssl.so.3", "libz.so.1"];

    /// <summary>Fake files in the layer that a start does not load (the ICU ones only in a layer with ICU).</summary>
    public static readonly string[] FakeDecoys = ["liblttng-ust.so.0", "libicuuc.so.67", "libicui18n.so.67", "libicudata.so.67"];

    private readonly Dictionary<string, Func<byte[]>> _content = new(StringComparer.Ordinal);

    private HostLibraryLayer() { }

    /// <summary>The tar listing (entry names without a leading slash).</summary>
    public List<TarEntryInfo> Entries { get; } = [];

    /// <summary>The ICU major version of this machine (the highest <c>libicuuc.so.N</c>), or null when ICU is not installed.</summary>
    public static int? HostIcuMajor() =>
        Directory.Exists(LibDir)
            ? Directory.GetFiles(LibDir, "libicuuc.so.*").Select(Path.GetFileName).Where(n => n!.Length > "libicuuc.so.".Length).Select(n => n!["libicuuc.so.".Length..])
                .Where(v => v.Length > 0 && v.All(char.IsAsciiDigit)).Select(int.Parse).DefaultIfEmpty(-1).Max() is var m and >= 0 ? m : null
            : null;

    /// <summary>The layer, or null with the host files it misses (not a Debian-like x86-64 host with libicu).</summary>
    public static HostLibraryLayer? Build(bool withIcu, out string missing)
    {
        var icu = HostIcuMajor();
        var wanted = SystemLibraries.Concat(RealDecoys).ToList();
        if (withIcu && icu is { } major) wanted.AddRange([$"libicuuc.so.{major}", $"libicui18n.so.{major}", $"libicudata.so.{major}"]);
        var absent = wanted.Where(n => !System.IO.File.Exists(Path.Combine(LibDir, n))).ToList();
        if (withIcu && icu is null) absent.Add("libicuuc.so.<N>");
        if (absent.Count > 0)
        {
            missing = $"this machine has no {string.Join(", ", absent)} in {LibDir} (the test copies the host's real x86-64 libraries)";
            return null;
        }
        missing = "";
        var layer = new HostLibraryLayer();
        var e = layer.Entries;
        e.AddRange([Dir("etc/"), Dir("etc/ld.so.conf.d/"), Dir("usr/"), Dir("usr/lib/"), Dir("usr/lib/x86_64-linux-gnu/"), Dir("usr/lib64/"),
            Symlink("lib", "usr/lib"), Symlink("lib64", "usr/lib64"),
            Symlink("usr/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")]);
        layer.AddText("etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n\n");
        layer.AddText("etc/ld.so.cache", "glibc-ld.so.cache1.1 (content not read by the inference)");
        layer.AddText("etc/ld.so.conf.d/libc.conf", "# libc default configuration\n/usr/local/lib\n");
        layer.AddText("etc/ld.so.conf.d/x86_64-linux-gnu.conf", "# Multiarch support\n/usr/local/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n");
        foreach (var name in wanted) layer.AddHostLibrary(name);
        foreach (var name in FakeDecoys.Where(n => withIcu || !n.StartsWith("libicu", StringComparison.Ordinal))) layer.AddBytes($"usr/lib/x86_64-linux-gnu/{name}", Encoding.ASCII.GetBytes("not a library: " + name));
        return layer;
    }

    /// <summary>The content of a regular file entry.</summary>
    public byte[]? Read(string entryName) => _content.TryGetValue(entryName, out var read) ? read() : null;

    /// <summary>The host library as the host has it: a symlink chain within <see cref="LibDir"/> (each link as an entry), then the file.</summary>
    private void AddHostLibrary(string name)
    {
        var hostPath = Path.Combine(LibDir, name);
        for (var hops = 0; hops < 8 && new FileInfo(hostPath).LinkTarget is { } target; hops++)
        {
            Entries.Add(Symlink($"usr/lib/x86_64-linux-gnu/{Path.GetFileName(hostPath)}", target));
            hostPath = Path.GetFullPath(target, LibDir);
        }
        var entryName = $"usr/lib/x86_64-linux-gnu/{Path.GetFileName(hostPath)}";
        Entries.Add(File(entryName, new FileInfo(hostPath).Length));
        _content[entryName] = () => System.IO.File.ReadAllBytes(hostPath);
    }

    private void AddText(string name, string text) => AddBytes(name, Encoding.UTF8.GetBytes(text));

    private void AddBytes(string name, byte[] content)
    {
        Entries.Add(File(name, content.Length));
        _content[name] = () => content;
    }
}
