namespace ChunkedBuild.Core.IO;

/// <summary>
/// Resolves a path below a root folder the way the kernel would open it (every symbolic link on the way followed, <c>..</c> applied
/// to the resolved folder), and says whether the file it reaches is inside the root. Lets a reader of an untrusted folder (an OCI
/// layout) follow links between its own files while refusing links that lead elsewhere (<c>/etc/passwd</c>, <c>/dev/zero</c>).
/// The resolved path holds no links, so opening it opens the file that was checked.
/// </summary>
public static class ContainedPath
{
    /// <summary>How many links one resolution may follow (Linux's limit, MAXSYMLINKS).</summary>
    public const int MaxLinks = 40;

    /// <summary>The outcome of <see cref="Resolve"/>.</summary>
    /// <param name="Path">The resolved absolute path (no links in it), when the resolution finished.</param>
    /// <param name="Refusal">Why the path is refused (a link leading outside the root, a link loop); null when it is inside.</param>
    public readonly record struct Resolution(string? Path, string? Refusal);

    /// <summary>The root folder with every link in its own path resolved (so that resolved paths below it can be compared with it).</summary>
    public static string ResolveRoot(string root) => Walk(Path.GetPathRoot(Path.GetFullPath(root))!, Path.GetFullPath(root), out var loop) ?? throw new IOException(loop);

    /// <summary>
    /// Resolves <paramref name="relative"/> ('/'-separated) below <paramref name="resolvedRoot"/> (from <see cref="ResolveRoot"/>). The result
    /// names the file a kernel open would reach, or why it is refused: it resolves outside the root, or the links loop.
    /// </summary>
    public static Resolution Resolve(string resolvedRoot, string relative)
    {
        var path = Walk(resolvedRoot, relative, out var loop);
        if (path is null) return new Resolution(null, loop);
        return IsWithin(path, resolvedRoot)
            ? new Resolution(path, null)
            : new Resolution(path, $"'{relative}' goes through a symbolic link that leads outside the folder (to '{path}')");
    }

    private static bool IsWithin(string path, string root)
    {
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>Resolves <paramref name="path"/> (absolute, or relative to <paramref name="start"/>) component by component; null on a link loop.</summary>
    private static string? Walk(string start, string path, out string? loop)
    {
        loop = null;
        var pending = new Stack<string>();
        var current = Push(pending, path) ?? start;
        var links = 0;
        while (pending.TryPop(out var component))
        {
            if (component is "" or ".") continue;
            if (component == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, component);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
            {
                loop = $"'{path}' goes through more than {MaxLinks} symbolic links (a loop?)";
                return null;
            }
            if (Push(pending, target) is { } root) current = root;
        }
        return current;
    }

    /// <summary>Pushes the components of <paramref name="path"/> so that the first one pops first; returns its root when it is absolute.</summary>
    private static string? Push(Stack<string> pending, string path)
    {
        var root = Path.IsPathRooted(path) ? Path.GetPathRoot(path) : null;
        var parts = path[(root?.Length ?? 0)..].Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        for (var i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
        return root;
    }
}
