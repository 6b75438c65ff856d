namespace ChunkedBuild.Core.Prioritization.FileView;

/// <summary>
/// A read-only view of an image's merged filesystem (all layers applied, whiteouts honoured), enough to decide which
/// files a workload needs first. <see cref="LayeredImageFileView"/> is the implementation built from layer tar listings.
/// </summary>
public interface IImageFileView
{
    /// <summary>The number of layers of the image.</summary>
    int LayerCount { get; }

    /// <summary>Every object of the merged filesystem, in image order (by layer, then by position in the layer's tar).</summary>
    IReadOnlyList<ImageFile> Files { get; }

    /// <summary>The object at the normalized <paramref name="path"/> (no symlink is followed), or null.</summary>
    ImageFile? Find(string path);

    /// <summary>
    /// The content of the regular file at <paramref name="path"/> (symlinks in any component and hard links are
    /// followed), or null when there is none or it is larger than <paramref name="maxBytes"/>.
    /// </summary>
    byte[]? ReadSmallFile(string path, int maxBytes);
}
