namespace ChunkedBuild.Core.Prioritization.FileView;

/// <summary>The names directly inside each directory of an <see cref="IImageFileView"/> (implicit parent directories included).</summary>
internal sealed class ImageDirectoryIndex
{
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);

    public ImageDirectoryIndex(IImageFileView view)
    {
        var known = new HashSet<string>(StringComparer.Ordinal) { "/" };
        foreach (var file in view.Files)
        {
            var path = file.Path;
            while (path != "/" && known.Add(path))
            {
                var parent = ImagePath.Parent(path);
                if (!_children.TryGetValue(parent, out var list)) _children[parent] = list = [];
                list.Add(ImagePath.FileName(path));
                path = parent;
            }
        }
    }

    /// <summary>The names inside <paramref name="directory"/> (a normalized path, not followed through symlinks), in image order.</summary>
    public IReadOnlyList<string> Children(string directory) => _children.TryGetValue(directory, out var list) ? list : [];
}
