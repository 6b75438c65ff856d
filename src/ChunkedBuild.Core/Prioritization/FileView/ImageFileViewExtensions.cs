namespace ChunkedBuild.Core.Prioritization.FileView;

/// <summary>Path resolution over an <see cref="IImageFileView"/>, following symlinks the way the kernel would inside the image root.</summary>
public static class ImageFileViewExtensions
{
    private const int MaxSymlinkHops = 40;

    /// <summary>
    /// The object <paramref name="path"/> resolves to after following symlinks in every component (relative targets
    /// against their directory, absolute ones against the image root) and hard links; null when nothing is there or a
    /// link loops.
    /// </summary>
    public static ImageFile? Resolve(this IImageFileView view, string path)
    {
        var real = view.ResolvePath(path);
        if (real is null) return null;
        var file = view.Find(real);
        for (var hops = 0; file is { Kind: ImageFileKind.HardLink } && hops < MaxSymlinkHops; hops++) file = view.Find(file.LinkTarget);
        return file is { Kind: ImageFileKind.HardLink } ? null : file;
    }

    /// <summary>
    /// The normalized path <paramref name="path"/> resolves to with all symlinks followed (the object there may not
    /// exist; missing components are taken as plain names), or null when links loop.
    /// </summary>
    public static string? ResolvePath(this IImageFileView view, string path) => ResolvePath(view, path, null);

    /// <summary>
    /// <see cref="ResolvePath(IImageFileView, string)"/>, also collecting in <paramref name="symlinks"/> the path of every
    /// symlink followed on the way (directory links such as a merged-usr <c>/lib</c> included), in the order they are met.
    /// </summary>
    internal static string? ResolvePath(this IImageFileView view, string path, List<string>? symlinks)
    {
        var pending = new Stack<string>(ImagePath.Normalize(path).Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = "/";
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == "..")
            {
                current = ImagePath.Parent(current);
                continue;
            }
            var next = current == "/" ? "/" + part : current + "/" + part;
            var file = view.Find(next);
            if (file is not { Kind: ImageFileKind.Symlink }) // missing components are implicit directories or absent files
            {
                current = next;
                continue;
            }
            if (++hops > MaxSymlinkHops) return null;
            symlinks?.Add(next);
            var target = file.LinkTarget;
            if (target.StartsWith('/')) current = "/";
            foreach (var p in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                if (p != ".") pending.Push(p);
            }
        }
        return current;
    }
}
