using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Prioritization.FileView;

/// <summary>
/// The merged filesystem of an image built from its layers' tar listings, base layer first, with the OCI layer rules:
/// a later entry replaces an earlier one at the same path (and, when it is not a directory, everything below a
/// directory it replaces); <c>.wh.&lt;name&gt;</c> deletes <c>name</c> and its subtree from lower layers;
/// <c>.wh..wh..opq</c> hides everything lower layers put in its directory. Whiteout entries themselves are not files.
/// </summary>
public sealed class LayeredImageFileView : IImageFileView
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueWhiteout = ".wh..wh..opq";

    private readonly Dictionary<string, ImageFile> _byPath;
    private readonly Func<ImageFile, int, byte[]?> _readContent;

    /// <summary>A view over already merged <paramref name="files"/> (in image order, each path once).</summary>
    /// <param name="layerCount">The number of layers.</param>
    /// <param name="files">The merged files.</param>
    /// <param name="readContent">Reads a regular file's content given the file and the byte limit (null when unavailable).</param>
    public LayeredImageFileView(int layerCount, IEnumerable<ImageFile> files, Func<ImageFile, int, byte[]?> readContent)
    {
        LayerCount = layerCount;
        Files = files.ToList();
        _byPath = new Dictionary<string, ImageFile>(StringComparer.Ordinal);
        foreach (var file in Files) _byPath[file.Path] = file;
        _readContent = readContent;
    }

    /// <inheritdoc/>
    public int LayerCount { get; }

    /// <inheritdoc/>
    public IReadOnlyList<ImageFile> Files { get; }

    /// <summary>
    /// Merges per-layer entry listings (base layer first; entries in tar order, as <see cref="RawTarReader"/> gives them).
    /// </summary>
    /// <param name="layers">Each layer's entries.</param>
    /// <param name="readContent">Reads a regular file's content: the <see cref="ImageFile"/> names the layer and the entry as spelled there; the int is the byte limit.</param>
    public static LayeredImageFileView FromLayers(IEnumerable<IEnumerable<TarEntryInfo>> layers, Func<ImageFile, int, byte[]?> readContent)
    {
        var merged = new Dictionary<string, (ImageFile File, long Order)>(StringComparer.Ordinal);
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        long order = 0;
        var layerIndex = 0;
        foreach (var layer in layers)
        {
            var entries = layer.ToList();
            // whiteouts act on lower layers only, wherever they sit in this layer's tar
            foreach (var entry in entries)
            {
                var path = ImagePath.Normalize(entry.Name);
                var name = ImagePath.FileName(path);
                if (!name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal)) continue;
                var directory = ImagePath.Parent(path);
                if (name == OpaqueWhiteout) RemoveBelow(directory, merged, paths);
                else if (!name.StartsWith(WhiteoutPrefix + WhiteoutPrefix, StringComparison.Ordinal))
                {
                    var deleted = ImagePath.Combine(directory, name[WhiteoutPrefix.Length..]);
                    merged.Remove(deleted);
                    paths.Remove(deleted);
                    RemoveBelow(deleted, merged, paths);
                }
            }
            var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                var path = ImagePath.Normalize(entry.Name);
                if (path == "/" || ImagePath.FileName(path).StartsWith(WhiteoutPrefix, StringComparison.Ordinal)) continue;
                var kind = KindOf(entry);
                var target = kind switch
                {
                    ImageFileKind.HardLink => ImagePath.Normalize(entry.LinkName),
                    ImageFileKind.Symlink => entry.LinkName,
                    _ => "",
                };
                var size = kind == ImageFileKind.HardLink ? sizes.GetValueOrDefault(target) : entry.Size;
                if (kind == ImageFileKind.File) sizes[path] = entry.Size;
                if (kind != ImageFileKind.Directory && merged.TryGetValue(path, out var previous)
                    && previous.File.Kind == ImageFileKind.Directory && previous.File.LayerIndex < layerIndex)
                    RemoveBelow(path, merged, paths);
                merged[path] = (new ImageFile(path, layerIndex, kind, size, target, entry.Name), order++);
                paths.Add(path);
            }
            layerIndex++;
        }
        var files = merged.Values.OrderBy(v => v.Order).Select(v => v.File);
        return new LayeredImageFileView(layerIndex, files, readContent);
    }

    /// <inheritdoc/>
    public ImageFile? Find(string path) => _byPath.GetValueOrDefault(path);

    /// <inheritdoc/>
    public byte[]? ReadSmallFile(string path, int maxBytes)
    {
        var file = this.Resolve(path);
        if (file is not { Kind: ImageFileKind.File } || file.Size > maxBytes) return null;
        var content = _readContent(file, maxBytes);
        return content is null || content.Length > maxBytes ? null : content;
    }

    private static void RemoveBelow(string directory, Dictionary<string, (ImageFile, long)> merged, SortedSet<string> paths)
    {
        var prefix = directory == "/" ? "/" : directory + "/";
        // every path starting with prefix sorts between prefix and prefix with its '/' raised to '0'
        var upper = prefix[..^1] + "0";
        foreach (var below in paths.GetViewBetween(prefix, upper).ToList())
        {
            if (!below.StartsWith(prefix, StringComparison.Ordinal)) continue;
            merged.Remove(below);
            paths.Remove(below);
        }
    }

    private static ImageFileKind KindOf(TarEntryInfo entry) => entry.TypeFlag switch
    {
        TarTypeFlag.Directory => ImageFileKind.Directory,
        TarTypeFlag.Symlink => ImageFileKind.Symlink,
        TarTypeFlag.HardLink => ImageFileKind.HardLink,
        _ when entry.IsRegularFile || entry.TypeFlag == TarTypeFlag.Contiguous => ImageFileKind.File,
        _ when entry.TypeFlag == TarTypeFlag.RegularLegacy => ImageFileKind.Directory,
        _ => ImageFileKind.Other,
    };
}
