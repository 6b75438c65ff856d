using System.Diagnostics;
using System.Formats.Tar;
using System.Text.RegularExpressions;

namespace ChunkedBuild.Bench;

/// <summary>
/// Builds the benchmark input: a real tar of the installed .NET shared runtimes (Microsoft.NETCore.App and
/// Microsoft.AspNetCore.App, found with <c>dotnet --list-runtimes</c>), repeated under copyN/ folders until it reaches
/// the size asked for. Real binaries and text compress like a real application layer does.
/// </summary>
internal static partial class BenchInputs
{
    private static readonly string[] Frameworks = ["Microsoft.NETCore.App", "Microsoft.AspNetCore.App"];

    /// <summary>Writes the tar into <paramref name="folder"/> and returns its path.</summary>
    public static string RuntimeTar(string folder, long minimumBytes, string name = "runtime")
    {
        var roots = RuntimeFolders();
        if (roots.Count == 0) throw new InvalidOperationException("no .NET shared runtime found with 'dotnet --list-runtimes'");
        var files = roots.SelectMany(root => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .Select(file => (file, entryName: Path.GetRelativePath(Path.GetDirectoryName(Path.GetDirectoryName(root)!)!, file).Replace('\\', '/'))))
            .ToList();
        var path = Path.Combine(folder, name + ".tar");
        using (var stream = File.Create(path))
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax))
        {
            for (var copy = 0; copy == 0 || stream.Length < minimumBytes; copy++)
            {
                foreach (var (file, entryName) in files) writer.WriteEntry(file, name == "runtime" ? $"copy{copy}/{entryName}" : $"{name}/copy{copy}/{entryName}");
            }
        }
        return path;
    }

    /// <summary>The newest installed version folder of each framework in <see cref="Frameworks"/>.</summary>
    private static List<string> RuntimeFolders()
    {
        var psi = new ProcessStartInfo("dotnet", "--list-runtimes") { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        var found = new List<string>();
        foreach (var framework in Frameworks)
        {
            // "Microsoft.NETCore.App 10.0.12 [/usr/share/dotnet/shared/Microsoft.NETCore.App]"
            var newest = lines.Select(l => RuntimeLine().Match(l.Trim()))
                .Where(m => m.Success && m.Groups["name"].Value == framework)
                .Select(m => (version: Version.TryParse(m.Groups["version"].Value.Split('-')[0], out var v) ? v : new Version(0, 0),
                    folder: Path.Combine(m.Groups["path"].Value, m.Groups["version"].Value)))
                .Where(r => Directory.Exists(r.folder))
                .MaxBy(r => r.version);
            if (newest.folder is not null) found.Add(newest.folder);
        }
        return found;
    }

    [GeneratedRegex(@"^(?<name>\S+) (?<version>\S+) \[(?<path>.+)\]$")]
    private static partial Regex RuntimeLine();
}
