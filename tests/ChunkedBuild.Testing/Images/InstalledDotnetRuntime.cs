using System.Text.RegularExpressions;

namespace ChunkedBuild.Testing.Images;

/// <summary>
/// The .NET runtime installed on this machine, as <c>dotnet --list-runtimes</c> names it: the newest Microsoft.NETCore.App folder, its
/// install root (the folder holding <c>dotnet</c>, <c>host/</c> and <c>shared/</c>) and the newest <c>host/fxr</c> version.
/// </summary>
/// <param name="Root">The install root, e.g. <c>/usr/share/dotnet</c>.</param>
/// <param name="Version">The Microsoft.NETCore.App version, e.g. <c>10.0.12</c>.</param>
/// <param name="FxrVersion">The newest <c>host/fxr/&lt;version&gt;</c> folder name.</param>
public sealed partial record InstalledDotnetRuntime(string Root, string Version, string FxrVersion)
{
    /// <summary>The framework folder <c>&lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;</c>.</summary>
    public string FrameworkFolder => Path.Combine(Root, "shared", "Microsoft.NETCore.App", Version);

    /// <summary>The muxer <c>&lt;root&gt;/dotnet</c>.</summary>
    public string Muxer => Path.Combine(Root, "dotnet");

    /// <summary>The host resolver <c>&lt;root&gt;/host/fxr/&lt;fxr version&gt;/libhostfxr.so</c>.</summary>
    public string HostFxr => Path.Combine(Root, "host", "fxr", FxrVersion, "libhostfxr.so");

    /// <summary>
    /// The installed version of another shared framework (e.g. <c>Microsoft.AspNetCore.App</c>) for this runtime: the same version when installed,
    /// else the newest released one of the same major.minor; null when there is none.
    /// </summary>
    public string? SharedFrameworkVersion(string name)
    {
        var folder = Path.Combine(Root, "shared", name);
        if (!Directory.Exists(Path.Combine(folder, Version))) return Directory.Exists(folder) ? Newest() : null;
        return Version;

        string? Newest()
        {
            var minor = System.Version.Parse(Version);
            return Directory.GetDirectories(folder).Select(Path.GetFileName)
                .Where(v => System.Version.TryParse(v, out var parsed) && parsed.Major == minor.Major && parsed.Minor == minor.Minor)
                .MaxBy(v => System.Version.Parse(v!));
        }
    }

    /// <summary>Finds the installed runtime; null (with the reason) when dotnet is missing or has no usable Microsoft.NETCore.App.</summary>
    public static InstalledDotnetRuntime? Find(out string reason)
    {
        reason = "";
        if (!ProcessRunner.IsOnPath("dotnet"))
        {
            reason = "dotnet is not on PATH";
            return null;
        }
        var listing = ProcessRunner.Run("dotnet", ["--list-runtimes"], timeout: TimeSpan.FromMinutes(1));
        // "Microsoft.NETCore.App 10.0.12 [/usr/share/dotnet/shared/Microsoft.NETCore.App]"
        var newest = listing.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => RuntimeLine().Match(l.Trim()))
            .Where(m => m.Success && m.Groups["name"].Value == "Microsoft.NETCore.App" && !m.Groups["version"].Value.Contains('-'))
            .Select(m => (Version: System.Version.Parse(m.Groups["version"].Value), Text: m.Groups["version"].Value, Folder: m.Groups["path"].Value))
            .Where(r => Directory.Exists(Path.Combine(r.Folder, r.Text)))
            .MaxBy(r => r.Version);
        if (newest.Folder is null)
        {
            reason = "no released Microsoft.NETCore.App in 'dotnet --list-runtimes'";
            return null;
        }
        var root = Path.GetDirectoryName(Path.GetDirectoryName(newest.Folder))!;
        var fxr = Directory.Exists(Path.Combine(root, "host", "fxr"))
            ? Directory.GetDirectories(Path.Combine(root, "host", "fxr")).Select(Path.GetFileName)
                .Where(v => System.Version.TryParse(v, out _) && File.Exists(Path.Combine(root, "host", "fxr", v!, "libhostfxr.so")))
                .MaxBy(v => System.Version.Parse(v!))
            : null;
        if (fxr is null || !File.Exists(Path.Combine(root, "dotnet")))
        {
            reason = $"{root} has no dotnet muxer or host/fxr/*/libhostfxr.so";
            return null;
        }
        return new InstalledDotnetRuntime(root, newest.Text, fxr);
    }

    [GeneratedRegex(@"^(?<name>\S+) (?<version>\S+) \[(?<path>.+)\]$")]
    private static partial Regex RuntimeLine();
}
