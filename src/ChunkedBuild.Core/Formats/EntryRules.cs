using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// The entries a chunked layer cannot carry safely (docs/formats.md §6 item 9): the readers would fail the pull or
/// materialize something other than the tar. One instance per layer: it remembers the paths seen so far.
/// </summary>
public sealed class EntryRules
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly string? _layer;

    /// <summary>Creates the rules for one layer; <paramref name="layer"/> names it in errors.</summary>
    public EntryRules(string? layer = null) => _layer = layer;

    /// <summary>Throws a coded <see cref="ChunkedBuildException"/> when <paramref name="entry"/> breaks a rule.</summary>
    public void Check(RawTarEntry entry)
    {
        var info = entry.Info;
        var name = info.Name;
        if (!info.NameIsUtf8)
            throw Refuse(ErrorCodes.NonUtf8Name, "the name is not valid UTF-8, so no JSON TOC can name it exactly", name, entry);
        if (info.TypeFlag == TarTypeFlag.PaxGlobal)
            throw Refuse(ErrorCodes.GlobalPaxHeader, "PAX global headers ('g') are not supported by the readers", name, entry);
        if (info.IsSparse || info.TypeFlag == TarTypeFlag.GnuSparse)
        {
            throw Refuse(ErrorCodes.SparseFile, SparseMap.Classify(info) is { } format
                ? $"a sparse file ({format.Label()}) is refused with --sparse refuse (tar-split cannot reassemble it byte for byte; --sparse densify writes it as a regular file)"
                : "its GNU.sparse.* records name no sparse version the densifier knows (0.0, 0.1, 1.0), so it can be neither densified nor reassembled", name, entry);
        }
        if (!(info.IsRegularFile || info.IsHeaderOnlyType))
            throw Refuse(ErrorCodes.UnsupportedTypeflag,
                $"typeflag '{(info.TypeFlag == 0 ? "\\0" : ((char)info.TypeFlag).ToString())}' is not one of the seven the readers support", name, entry);
        if (info.IsHeaderOnlyType && info.Size != 0)
            throw Refuse(ErrorCodes.HeaderOnlyEntryWithSize, $"a header-only entry declares {info.Size} payload bytes", name, entry);
        if (!info.LinkNameIsUtf8)
            throw Refuse(ErrorCodes.NonUtf8Name, "the link target is not valid UTF-8", name, entry);
        foreach (var xattr in info.Xattrs)
        {
            if (!xattr.KeyIsUtf8)
                throw Refuse(ErrorCodes.NonUtf8XattrKey, "an xattr name is not valid UTF-8", name, entry);
        }
        foreach (var (label, time) in new[] { ("mtime", (TarTime?)info.ModTime), ("atime", info.AccessTime), ("ctime", info.ChangeTime) })
        {
            if (time is { IsRfc3339Representable: false } t)
                throw Refuse(ErrorCodes.TimeOutOfRange, $"its {label} ({t.Seconds} s) lies outside the years 0001..9999 that TOC timestamps can express", name, entry);
        }
        if (TarPath.EscapesRoot(name))
            throw Refuse(ErrorCodes.PathTraversal, "the name climbs above the layer root with '..'", name, entry);
        var clean = TarPath.CleanAbsolute(name);
        if (info.TypeFlag == TarTypeFlag.Symlink && info.LinkName.Length == 0)
            throw Refuse(ErrorCodes.EmptyLinkTarget, "the symbolic link has an empty target", name, entry);
        if (info.TypeFlag == TarTypeFlag.HardLink)
        {
            if (info.LinkName.Length == 0 || TarPath.EscapesRoot(info.LinkName) || !_seen.Contains(TarPath.CleanAbsolute(info.LinkName)))
                throw Refuse(ErrorCodes.HardLinkTargetMissing,
                    $"the hard link target '{info.LinkName}' is not an earlier entry of this layer", name, entry);
        }
        if (!_seen.Add(clean))
            throw Refuse(ErrorCodes.DuplicatePath, $"the path '{clean}' appears twice in the layer (names are compared after cleaning)", name, entry);
    }

    private ChunkedBuildException Refuse(string code, string rule, string name, RawTarEntry entry) =>
        new(code, $"entry '{name}' at tar offset {entry.HeaderOffset}: {rule}", name, _layer);
}
