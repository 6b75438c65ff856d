using System.Globalization;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>A .NET framework version (<c>major.minor.patch[-prerelease]</c>) as named by <c>shared/&lt;name&gt;/&lt;version&gt;</c> folders.</summary>
internal sealed record FrameworkVersion(int Major, int Minor, int Patch, string Prerelease, string Text) : IComparable<FrameworkVersion>
{
    public bool IsPrerelease => Prerelease.Length > 0;

    public static FrameworkVersion? TryParse(string text)
    {
        var dash = text.IndexOf('-');
        var core = dash < 0 ? text : text[..dash];
        var parts = core.Split('.');
        if (parts.Length is < 2 or > 3) return null;
        var numbers = new int[3];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])) return null;
        }
        return new FrameworkVersion(numbers[0], numbers[1], numbers[2], dash < 0 ? "" : text[(dash + 1)..], text);
    }

    public int CompareTo(FrameworkVersion? other)
    {
        if (other is null) return 1;
        var c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;
        if (IsPrerelease != other.IsPrerelease) return IsPrerelease ? -1 : 1; // a release sorts above its prereleases
        return string.CompareOrdinal(Prerelease, other.Prerelease);
    }

    /// <summary>
    /// The framework version the host picks from <paramref name="installed"/> for a reference to <paramref name="requested"/>
    /// under <paramref name="rollForward"/> (the <c>rollForward</c> setting; default <c>Minor</c>): the requested
    /// major.minor's latest patch when present, else the lowest higher minor (then its latest patch), and so on for the
    /// other policies. Prereleases are considered only when the request is one.
    /// </summary>
    public static FrameworkVersion? Select(FrameworkVersion requested, IEnumerable<FrameworkVersion> installed, string? rollForward)
    {
        var candidates = installed.Where(v => v.CompareTo(requested) >= 0 && (requested.IsPrerelease || !v.IsPrerelease)).ToList();
        var policy = (rollForward ?? "Minor").ToLowerInvariant();
        IEnumerable<FrameworkVersion> allowed = policy switch
        {
            "disable" => candidates.Where(v => v.CompareTo(requested) == 0),
            "latestpatch" => candidates.Where(v => v.Major == requested.Major && v.Minor == requested.Minor),
            "minor" or "latestminor" => candidates.Where(v => v.Major == requested.Major),
            _ => candidates, // major, latestmajor
        };
        var list = allowed.ToList();
        if (list.Count == 0) return null;
        if (policy is "latestminor" or "latestmajor") return list.Max();
        if (policy == "disable") return list[0];
        // LatestPatch, Minor, Major: the lowest acceptable major.minor band, then its highest patch
        var sameBand = list.Where(v => v.Major == requested.Major && v.Minor == requested.Minor).ToList();
        if (sameBand.Count > 0) return sameBand.Max();
        var lowest = list.Min()!;
        return list.Where(v => v.Major == lowest.Major && v.Minor == lowest.Minor).Max();
    }
}
