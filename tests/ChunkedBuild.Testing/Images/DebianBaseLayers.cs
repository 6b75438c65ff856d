using System.IO.Compression;

namespace ChunkedBuild.Testing.Images;

/// <summary>One Debian layer built from this machine's dpkg database.</summary>
/// <param name="Tree">The layer and the files it holds.</param>
/// <param name="Packages">The packages whose files it holds (sorted by name).</param>
public sealed record DebianLayer(HostTreeLayer Tree, IReadOnlyList<DpkgPackage> Packages)
{
    /// <summary>The gzip layer and its diff ID.</summary>
    public TestLayer Layer => Tree.Layer;

    /// <summary>"name=version" of every package, sorted.</summary>
    public IReadOnlyList<string> PackageVersions => Packages.Select(p => $"{p.Name}={p.Version}").ToList();
}

/// <summary>The two Debian layers under the official .NET images: the OS (as <c>debian:bookworm-slim</c>) and the runtime-deps packages.</summary>
/// <param name="Os">The OS layer.</param>
/// <param name="RuntimeDeps">The runtime-deps layer.</param>
public sealed record DebianBase(DebianLayer Os, DebianLayer RuntimeDeps);

/// <summary>
/// Builds, from THIS machine's installed Debian packages (bookworm on the dev and CI machines), the base layers of the official .NET
/// images, deterministically (<see cref="HostTreeLayerBuilder"/>):
/// <list type="bullet">
/// <item>the OS layer, like <c>debian:bookworm-slim</c> (debootstrap's minbase + the slim excludes): every installed package of priority
/// <c>required</c> with its <c>Pre-Depends</c>/<c>Depends</c> closure (about 90 packages; libc6 comes in this way), without
/// <see cref="IsSlimExcluded">what the slim variant removes</see>; plus the merged-usr symlinks, <c>/etc/ld.so.conf(.d)</c>,
/// the generated <c>/etc/ld.so.cache</c>, <c>/etc/passwd</c>, <c>/etc/group</c>, the update-alternatives links whose target it holds,
/// the packages' <c>/var/lib/dpkg/info</c> files and a dpkg <c>status</c> file holding their stanzas only;</item>
/// <item>the runtime-deps layer: what the official <c>runtime-deps</c> Dockerfile installs (<see cref="RuntimeDepsRoots"/>) and its
/// closure, minus the OS layer's packages (ca-certificates, libicu72, libssl3, openssl), with the generated <c>/etc/ssl/certs</c>, the
/// dpkg status of both layers' packages and the new <c>/etc/ld.so.cache</c>.</item>
/// </list>
/// </summary>
public static class DebianBaseLayers
{
    /// <summary>The packages the official runtime-deps:10.0 (bookworm-slim) Dockerfile installs.</summary>
    public static IReadOnlyList<string> RuntimeDepsRoots { get; } =
        ["ca-certificates", "libc6", "libgcc-s1", "libicu72", "libssl3", "libstdc++6", "tzdata", "zlib1g"];

    /// <summary>Builds both layers; null (with the reason) when this machine has no dpkg database.</summary>
    public static DebianBase? Build(CompressionLevel level, out string reason)
    {
        if (DpkgDatabase.Load(out reason) is not { } db) return null;
        var osPackages = db.Closure(db.Packages.Values.Where(p => p.Priority == "required").Select(p => p.Name));
        var os = OsLayer(osPackages, level);
        var inOs = osPackages.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var depsPackages = db.Closure(RuntimeDepsRoots).Where(p => !inOs.Contains(p.Name)).ToList();
        var deps = PackageLayer(depsPackages, osPackages.Concat(depsPackages), level, builder =>
        {
            builder.AddHostPath("/etc/ld.so.cache");
            foreach (var cert in Directory.Exists("/etc/ssl/certs") ? Directory.GetFiles("/etc/ssl/certs") : []) builder.AddHostPath(cert);
        });
        return new DebianBase(os, deps);
    }

    /// <summary>The OS layer of <paramref name="packages"/> (see the class summary): exposed so tests can build it from a few packages.</summary>
    public static DebianLayer OsLayer(IReadOnlyList<DpkgPackage> packages, CompressionLevel level) =>
        PackageLayer(packages, packages, level, builder =>
        {
            foreach (var alias in new[] { "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" })
            {
                if (new FileInfo(alias).LinkTarget is not null) builder.AddHostPath(alias);
            }
            foreach (var config in new[] { "/etc/ld.so.conf", "/etc/ld.so.cache", "/etc/passwd", "/etc/group" }) builder.AddHostPath(config);
            if (Directory.Exists("/etc/ld.so.conf.d"))
            {
                builder.AddHostPath("/etc/ld.so.conf.d");
                foreach (var file in Directory.GetFiles("/etc/ld.so.conf.d")) builder.AddHostPath(file);
            }
        });

    /// <summary>
    /// True for what debuerreotype's slim variant removes: everything under <c>/usr/share/{doc,man,info,locale,lintian,linda,groff}</c> and
    /// <c>/var/cache/man</c>, except <c>/usr/share/doc/&lt;pkg&gt;/copyright</c> (the folders themselves stay).
    /// </summary>
    /// <param name="relative">An image path without the leading slash.</param>
    public static bool IsSlimExcluded(string relative)
    {
        foreach (var folder in new[] { "usr/share/man/", "usr/share/info/", "usr/share/locale/", "usr/share/lintian/", "usr/share/linda/",
                     "usr/share/groff/", "var/cache/man/" })
        {
            if (relative.StartsWith(folder, StringComparison.Ordinal)) return true;
        }
        if (!relative.StartsWith("usr/share/doc/", StringComparison.Ordinal)) return false;
        var rest = relative["usr/share/doc/".Length..].Split('/');
        return !(rest.Length == 1 || (rest.Length == 2 && rest[1] == "copyright"));
    }

    private static DebianLayer PackageLayer(IReadOnlyList<DpkgPackage> packages, IEnumerable<DpkgPackage> installed, CompressionLevel level,
        Action<HostTreeLayerBuilder> extras)
    {
        var builder = new HostTreeLayerBuilder { Exclude = IsSlimExcluded };
        foreach (var package in packages)
        {
            foreach (var path in DpkgDatabase.FilesOf(package)) builder.AddHostPath(path);
            foreach (var info in DpkgDatabase.InfoFilesOf(package)) builder.AddHostPath(info);
        }
        extras(builder);
        AddAlternatives(builder);
        builder.AddContent("/var/lib/dpkg/status", DpkgDatabase.StatusFor(installed), (UnixFileMode)0b110_100_100);
        return new DebianLayer(builder.Build(level), packages);
    }

    /// <summary>The update-alternatives master links (e.g. <c>/usr/bin/awk → /etc/alternatives/awk → /usr/bin/mawk</c>) whose final target the layer holds.</summary>
    private static void AddAlternatives(HostTreeLayerBuilder builder)
    {
        const string database = "/var/lib/dpkg/alternatives";
        if (!Directory.Exists(database)) return;
        foreach (var file in Directory.GetFiles(database).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var lines = File.ReadAllLines(file);
            var selected = new FileInfo("/etc/alternatives/" + name).LinkTarget;
            if (lines.Length < 2 || selected is null || !builder.Contains(selected)) continue;
            builder.AddHostPath(lines[1]);
            builder.AddHostPath("/etc/alternatives/" + name);
            builder.AddHostPath(file);
        }
    }
}
