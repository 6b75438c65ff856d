namespace ChunkedBuild.Core.Prioritization.FileView;

/// <summary>What kind of filesystem object an <see cref="ImageFile"/> is.</summary>
public enum ImageFileKind
{
    /// <summary>A regular file.</summary>
    File,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A symbolic link (<see cref="ImageFile.LinkTarget"/> as written, possibly relative).</summary>
    Symlink,
    /// <summary>A hard link (<see cref="ImageFile.LinkTarget"/> is the normalized path of the linked file in the same layer).</summary>
    HardLink,
    /// <summary>A device or fifo.</summary>
    Other,
}

/// <summary>One object of a merged image filesystem: the version that wins after all layers are applied.</summary>
/// <param name="Path">The normalized image path (see <see cref="ImagePath"/>).</param>
/// <param name="LayerIndex">The layer this version comes from, base layer = 0.</param>
/// <param name="Kind">The object kind.</param>
/// <param name="Size">The content size in bytes (regular files; for a hard link, its target's size when known).</param>
/// <param name="LinkTarget">The link target for symlinks and hard links, empty otherwise.</param>
/// <param name="EntryName">The tar entry name in its layer, spelled as that layer spells it (<c>app/x</c>, <c>./app/x</c> or <c>/app/x</c>).</param>
public sealed record ImageFile(string Path, int LayerIndex, ImageFileKind Kind, long Size = 0, string LinkTarget = "", string EntryName = "")
{
    /// <summary><see cref="EntryName"/>, or the path without its leading <c>/</c> when none was given.</summary>
    public string LayerEntryName => EntryName.Length > 0 ? EntryName : Path.TrimStart('/');
}
