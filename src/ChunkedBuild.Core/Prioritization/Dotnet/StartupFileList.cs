using ChunkedBuild.Core.Prioritization.FileView;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>
/// The ordered, duplicate-free list <see cref="DotnetStartupInference"/> builds: only regular files (or hard links) that
/// exist in the image, by their real path; debug symbols, XML docs and test assemblies are refused.
/// </summary>
internal sealed class StartupFileList(IImageFileView view)
{
    private static readonly string[] ExcludedExtensions = [".pdb", ".xml", ".dbg", ".debug"];
    private static readonly string[] TestAssemblyPrefixes =
        ["xunit", "nunit", "NUnit", "MSTest", "Microsoft.TestPlatform", "Microsoft.VisualStudio.TestPlatform", "testhost", "Microsoft.Testing."];

    private readonly List<string> _paths = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Paths => _paths;

    /// <summary>Adds <paramref name="path"/> by its real path, when it is a file in the image and not refused.</summary>
    public void Add(string path)
    {
        if (path.Length == 0) return;
        var real = view.ResolvePath(path);
        if (real is null || view.Find(real) is not { Kind: ImageFileKind.File or ImageFileKind.HardLink } || IsRefused(real)) return;
        if (_seen.Add(real)) _paths.Add(real);
    }

    /// <summary>
    /// Adds every symlink followed on the way to <paramref name="path"/> (in any component, in the order they are met:
    /// the path as named, a merged-usr <c>/lib</c>, each hop), then the file; nothing when the path does not end at a file.
    /// </summary>
    public void AddWithLinks(string path)
    {
        var links = new List<string>();
        var real = view.ResolvePath(path, links);
        if (real is null || view.Find(real) is not { Kind: ImageFileKind.File or ImageFileKind.HardLink } || IsRefused(real)) return;
        foreach (var link in links)
        {
            if (_seen.Add(link)) _paths.Add(link);
        }
        Add(real);
    }

    private static bool IsRefused(string path)
    {
        var name = ImagePath.FileName(path);
        if (ExcludedExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase))) return true;
        if (TestAssemblyPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase))) return true;
        var stem = Path.GetFileNameWithoutExtension(name);
        return stem.EndsWith(".Tests", StringComparison.OrdinalIgnoreCase) || stem.EndsWith(".Test", StringComparison.OrdinalIgnoreCase)
            || stem.EndsWith(".UnitTests", StringComparison.OrdinalIgnoreCase);
    }
}
