namespace ChunkedBuild.Core.Prioritization.Manifests;

/// <summary>
/// Orders image paths by an ordered list of include patterns and a set of exclude patterns, compiled once.
/// The rule: a path is selected when some include pattern matches it and no exclude pattern does (excludes win);
/// selected paths are ordered by the index of the first include pattern that matches them, ties broken by the
/// order of the paths as given (the image's file order).
/// </summary>
public sealed class PathPrioritizer
{
    private readonly PathPattern[] _includes;
    private readonly PathPattern[] _excludes;
    private readonly Dictionary<string, int> _exactIncludes = new(StringComparer.Ordinal);
    private readonly (int Index, PathPattern Pattern)[] _globIncludes;
    private readonly HashSet<string> _exactExcludes = new(StringComparer.Ordinal);
    private readonly PathPattern[] _globExcludes;

    /// <summary>Compiles the patterns; throws <see cref="FormatException"/> for a bad glob.</summary>
    public PathPrioritizer(IEnumerable<string> includes, IEnumerable<string>? excludes = null)
        : this(includes.Select(PathPattern.Parse), (excludes ?? []).Select(PathPattern.Parse))
    {
    }

    /// <summary>Uses already compiled patterns.</summary>
    public PathPrioritizer(IEnumerable<PathPattern> includes, IEnumerable<PathPattern> excludes)
    {
        _includes = includes.ToArray();
        _excludes = excludes.ToArray();
        for (var i = 0; i < _includes.Length; i++)
        {
            if (_includes[i].ExactPath is { } exact) _exactIncludes.TryAdd(exact, i);
        }
        _globIncludes = _includes.Select((p, i) => (i, p)).Where(x => x.p.ExactPath is null).ToArray();
        foreach (var e in _excludes.Where(e => e.ExactPath is not null)) _exactExcludes.Add(e.ExactPath!);
        _globExcludes = _excludes.Where(e => e.ExactPath is null).ToArray();
    }

    /// <summary>The include patterns, in priority order.</summary>
    public IReadOnlyList<PathPattern> Includes => _includes;

    /// <summary>The exclude patterns.</summary>
    public IReadOnlyList<PathPattern> Excludes => _excludes;

    /// <summary>True when an exclude pattern matches the normalized <paramref name="path"/>.</summary>
    public bool IsExcluded(string path) => _exactExcludes.Contains(path) || _globExcludes.Any(e => e.IsMatch(path));

    /// <summary>The index of the first include pattern matching <paramref name="path"/>, or -1 (excludes not applied).</summary>
    public int FirstMatchingInclude(string path)
    {
        var best = _exactIncludes.TryGetValue(path, out var exact) ? exact : int.MaxValue;
        foreach (var (index, pattern) in _globIncludes)
        {
            if (index >= best) break;
            if (pattern.IsMatch(path))
            {
                best = index;
                break;
            }
        }
        return best == int.MaxValue ? -1 : best;
    }

    /// <summary>
    /// Selects and orders <paramref name="imagePaths"/> (normalized, in the image's file order; duplicates are kept once,
    /// at their first position).
    /// </summary>
    public IReadOnlyList<string> Order(IEnumerable<string> imagePaths)
    {
        var picked = new List<(int Pattern, int Position, string Path)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var position = 0;
        foreach (var path in imagePaths)
        {
            position++;
            if (!seen.Add(path)) continue;
            var pattern = FirstMatchingInclude(path);
            if (pattern < 0 || IsExcluded(path)) continue;
            picked.Add((pattern, position, path));
        }
        picked.Sort((a, b) => a.Pattern != b.Pattern ? a.Pattern.CompareTo(b.Pattern) : a.Position.CompareTo(b.Position));
        return picked.Select(p => p.Path).ToList();
    }
}
