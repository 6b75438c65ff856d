namespace ChunkedBuild.Core.Tar;

/// <summary>Path helpers with Go's <c>path.Clean</c> semantics, which the readers use to compare and resolve names.</summary>
public static class TarPath
{
    /// <summary>
    /// <c>path.Clean("/" + name)</c>: the absolute in-layer path a reader resolves <paramref name="name"/> to
    /// (<c>./a</c>, <c>a</c>, <c>/a</c> and <c>a/</c> all give <c>/a</c>; <c>..</c> cannot go above the root).
    /// </summary>
    public static string CleanAbsolute(string name) => Clean("/" + name);

    /// <summary>Go's <c>path.Clean</c>.</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0) return ".";
        var rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
                else if (!rooted) parts.Add("..");
                continue;
            }
            parts.Add(part);
        }
        var joined = string.Join('/', parts);
        if (rooted) return "/" + joined;
        return joined.Length == 0 ? "." : joined;
    }

    /// <summary>True when <paramref name="name"/> has a <c>..</c> component that climbs above the layer root.</summary>
    public static bool EscapesRoot(string name)
    {
        var depth = 0;
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            depth += part == ".." ? -1 : 1;
            if (depth < 0) return true;
        }
        return false;
    }
}
