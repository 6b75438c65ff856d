namespace ChunkedBuild.Testing.Images;

/// <summary>An installed Debian package, as <c>dpkg-query</c> reports it.</summary>
/// <param name="Name">The package name, e.g. <c>libc6</c>.</param>
/// <param name="Architecture">Its architecture (<c>amd64</c>, <c>all</c>).</param>
/// <param name="Version">The installed version.</param>
/// <param name="Priority">Its priority (<c>required</c>, <c>important</c>, <c>optional</c>, …).</param>
/// <param name="Depends">Its <c>Pre-Depends</c> and <c>Depends</c>, each an alternative group (names only, no versions or arch qualifiers).</param>
/// <param name="Provides">The virtual package names it provides.</param>
public sealed record DpkgPackage(string Name, string Architecture, string Version, string Priority,
    IReadOnlyList<IReadOnlyList<string>> Depends, IReadOnlyList<string> Provides);

/// <summary>
/// The packages installed on this machine (Debian's dpkg database: <c>dpkg-query -W</c>, <c>/var/lib/dpkg/info/*.list</c>,
/// <c>/var/lib/dpkg/status</c>), read once; the layers of <see cref="DebianBaseLayers"/> are built from it.
/// </summary>
public sealed class DpkgDatabase
{
    /// <summary>The dpkg database folder.</summary>
    public const string Folder = "/var/lib/dpkg";

    private readonly Dictionary<string, DpkgPackage> _packages;
    private readonly Dictionary<string, List<string>> _providers;

    private DpkgDatabase(Dictionary<string, DpkgPackage> packages)
    {
        _packages = packages;
        _providers = packages.Values.SelectMany(p => p.Provides.Select(v => (Virtual: v, p.Name)))
            .GroupBy(x => x.Virtual, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Name).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
    }

    /// <summary>The installed packages (state <c>ii</c>) by name.</summary>
    public IReadOnlyDictionary<string, DpkgPackage> Packages => _packages;

    /// <summary>Reads the database; null (with the reason) when this machine has no dpkg.</summary>
    public static DpkgDatabase? Load(out string reason)
    {
        reason = "";
        if (!ProcessRunner.IsOnPath("dpkg-query") || !Directory.Exists(Path.Combine(Folder, "info")))
        {
            reason = "no dpkg database on this machine (not Debian)";
            return null;
        }
        var listing = ProcessRunner.Run("dpkg-query",
            ["-W", "-f=${db:Status-Abbrev}\t${Package}\t${Architecture}\t${Version}\t${Priority}\t${Pre-Depends}\t${Depends}\t${Provides}\n"],
            timeout: TimeSpan.FromMinutes(1));
        if (listing.ExitCode != 0)
        {
            reason = "dpkg-query failed: " + listing.StdErr;
            return null;
        }
        var packages = new Dictionary<string, DpkgPackage>(StringComparer.Ordinal);
        foreach (var line in listing.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            if (f.Length < 8 || !f[0].StartsWith("ii", StringComparison.Ordinal)) continue;
            var depends = Groups(f[5]).Concat(Groups(f[6])).ToList();
            var provides = Groups(f[7]).SelectMany(g => g).ToList();
            packages.TryAdd(f[1], new DpkgPackage(f[1], f[2], f[3], f[4], depends, provides));
        }
        return new DpkgDatabase(packages);
    }

    /// <summary>
    /// <paramref name="roots"/> and everything they <c>Pre-Depends</c>/<c>Depends</c> on, transitively (what apt or debootstrap installs):
    /// for an alternative group, the first alternative that is installed (by name, else through <c>Provides</c>). Sorted by name.
    /// Roots that are not installed are skipped.
    /// </summary>
    public IReadOnlyList<DpkgPackage> Closure(IEnumerable<string> roots)
    {
        var seen = new SortedDictionary<string, DpkgPackage>(StringComparer.Ordinal);
        var pending = new Stack<string>(roots);
        while (pending.TryPop(out var name))
        {
            if (seen.ContainsKey(name) || !_packages.TryGetValue(name, out var package)) continue;
            seen[name] = package;
            foreach (var group in package.Depends)
            {
                var chosen = group.FirstOrDefault(_packages.ContainsKey)
                    ?? group.Select(v => _providers.GetValueOrDefault(v)?.FirstOrDefault()).FirstOrDefault(p => p is not null);
                if (chosen is not null) pending.Push(chosen);
            }
        }
        return seen.Values.ToList();
    }

    /// <summary>The paths a package installed (its <c>info/&lt;name&gt;[:&lt;arch&gt;].list</c>), as listed (absolute, not resolved).</summary>
    public static IReadOnlyList<string> FilesOf(DpkgPackage package)
    {
        var list = InfoFile(package, ".list");
        return list is null ? [] : File.ReadAllLines(list).Where(l => l.StartsWith('/') && l != "/.").ToList();
    }

    /// <summary>The package's files in <c>info/</c> (<c>.list</c>, <c>.md5sums</c>, maintainer scripts, …), sorted.</summary>
    public static IReadOnlyList<string> InfoFilesOf(DpkgPackage package)
    {
        var info = Path.Combine(Folder, "info");
        return Directory.GetFiles(info, package.Name + ".*").Concat(Directory.GetFiles(info, $"{package.Name}:{package.Architecture}.*"))
            .Where(f => Suffix(Path.GetFileName(f), package) is { } rest && !rest.Contains('.'))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// A dpkg <c>status</c> file holding only the stanzas of <paramref name="packages"/> (in the host file's order), as an image with
    /// exactly those packages installed has.
    /// </summary>
    public static byte[] StatusFor(IEnumerable<DpkgPackage> packages)
    {
        var wanted = packages.Select(p => (p.Name, p.Architecture)).ToHashSet();
        var text = File.ReadAllText(Path.Combine(Folder, "status"));
        var stanzas = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(s => wanted.Contains((Field(s, "Package"), Field(s, "Architecture"))));
        return System.Text.Encoding.UTF8.GetBytes(string.Concat(stanzas.Select(s => s.Trim('\n') + "\n\n")));
    }

    /// <summary>What follows "name." or "name:arch." in an info file name (null when it is another package's).</summary>
    private static string? Suffix(string file, DpkgPackage package) =>
        file.StartsWith(package.Name + ".", StringComparison.Ordinal) ? file[(package.Name.Length + 1)..]
        : file.StartsWith($"{package.Name}:{package.Architecture}.", StringComparison.Ordinal) ? file[(package.Name.Length + package.Architecture.Length + 2)..]
        : null;

    private static string Field(string stanza, string name) =>
        stanza.Split('\n').FirstOrDefault(l => l.StartsWith(name + ": ", StringComparison.Ordinal))?[(name.Length + 2)..].Trim() ?? "";

    private static string? InfoFile(DpkgPackage package, string suffix)
    {
        foreach (var name in new[] { $"{package.Name}:{package.Architecture}{suffix}", package.Name + suffix })
        {
            var path = Path.Combine(Folder, "info", name);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>"a (&gt;= 1) | b:any, c" → [[a, b], [c]].</summary>
    private static IEnumerable<IReadOnlyList<string>> Groups(string field) =>
        field.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(g => (IReadOnlyList<string>)g.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(a => a.Split(' ', '(')[0].Split(':')[0]).Where(a => a.Length > 0).ToList())
            .Where(g => g.Count > 0);
}
