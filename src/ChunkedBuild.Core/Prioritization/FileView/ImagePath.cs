using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Prioritization.FileView;

/// <summary>
/// Normalized image paths: absolute, <c>/</c>-rooted, no <c>.</c> or <c>..</c> components, no trailing <c>/</c>
/// (Go's <c>path.Clean("/" + name)</c>, the resolution the lazy-pull readers apply to tar entry names).
/// </summary>
public static class ImagePath
{
    /// <summary>The image path of a tar entry name or user-given path (<c>app/x</c>, <c>./app/x</c>, <c>/app/x/</c> all give <c>/app/x</c>).</summary>
    public static string Normalize(string name) => TarPath.CleanAbsolute(name);

    /// <summary>The parent of a normalized path (<c>/</c> for a top-level entry and for the root itself).</summary>
    internal static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>The last component of a normalized path.</summary>
    internal static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>Joins a relative or absolute <paramref name="path"/> onto the directory <paramref name="baseDirectory"/>, normalized.</summary>
    internal static string Combine(string baseDirectory, string path) =>
        Normalize(path.StartsWith('/') ? path : baseDirectory.TrimEnd('/') + "/" + path);
}
