namespace ChunkedBuild.Tool;

/// <summary>"Did you mean …?" for mistyped commands and options: the known names closest to what was typed.</summary>
public static class Suggestions
{
    /// <summary>
    /// The candidates nearest to <paramref name="typed"/> (case-insensitive), best first, at most three: those within an edit
    /// distance of a third of the longer name (at least 2; a swap of two neighbours counts as one edit), and those that
    /// <paramref name="typed"/> abbreviates (a prefix of at least 3 characters).
    /// </summary>
    public static IReadOnlyList<string> For(string typed, IEnumerable<string> candidates)
    {
        var word = typed.ToLowerInvariant();
        return candidates.Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: Distance(word, c.ToLowerInvariant())))
            .Where(x => x.Distance <= Math.Max(2, Math.Max(word.Length, x.Name.Length) / 3)
                        || (word.TrimStart('-').Length >= 3 && x.Name.StartsWith(typed, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => x.Name)
            .Take(3)
            .ToArray();
    }

    /// <summary>The optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
