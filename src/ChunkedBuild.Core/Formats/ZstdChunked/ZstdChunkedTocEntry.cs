using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// One entry of the zstd:chunked TOC (containers/storage <c>minimal.FileMetadata</c>). Metadata fields mirror the tar
/// header exactly; content fields (<c>digest</c>, offsets, <c>chunk*</c>) are filled while the payload is written.
/// </summary>
public sealed class ZstdChunkedTocEntry
{
    /// <summary><c>reg dir symlink hardlink char block fifo chunk</c>.</summary>
    public required string Type { get; init; }
    /// <summary>The tar name verbatim.</summary>
    public required string Name { get; init; }
    /// <summary>Link target (symlink, hardlink).</summary>
    public string LinkName { get; init; } = "";
    /// <summary>Raw header mode.</summary>
    public long Mode { get; init; }
    /// <summary>Header size.</summary>
    public long Size { get; init; }
    /// <summary>User id.</summary>
    public long Uid { get; init; }
    /// <summary>Group id.</summary>
    public long Gid { get; init; }
    /// <summary>Modification time (always present for tar entries; null for chunk entries).</summary>
    public TarTime? ModTime { get; init; }
    /// <summary>Access time, when the header has one.</summary>
    public TarTime? AccessTime { get; init; }
    /// <summary>Change time, when the header has one.</summary>
    public TarTime? ChangeTime { get; init; }
    /// <summary>Device major.</summary>
    public long DevMajor { get; init; }
    /// <summary>Device minor.</summary>
    public long DevMinor { get; init; }
    /// <summary>xattr name → standard base64 of the raw value (JSON writes keys sorted, like Go maps).</summary>
    public IReadOnlyDictionary<string, string> Xattrs { get; init; } = new Dictionary<string, string>();
    /// <summary><c>sha256:…</c> of the whole file (regular files with content).</summary>
    public string Digest { get; set; } = "";
    /// <summary>Offset of the first frame of this file or chunk.</summary>
    public long Offset { get; set; }
    /// <summary>Offset just past the last frame of the file (reg entries).</summary>
    public long EndOffset { get; set; }
    /// <summary>Uncompressed size of this chunk (chunked files only).</summary>
    public long ChunkSize { get; set; }
    /// <summary>Offset of the chunk within the file (chunk entries).</summary>
    public long ChunkOffset { get; set; }
    /// <summary><c>sha256:…</c> of the chunk (chunked files only).</summary>
    public string ChunkDigest { get; set; } = "";
    /// <summary><c>""</c> for data, <c>zeros</c> for a hole.</summary>
    public string ChunkType { get; set; } = "";

    /// <summary>The metadata part of the entry for a tar header (as <c>minimal.NewFileMetadata</c> builds it).</summary>
    public static ZstdChunkedTocEntry FromHeader(TarEntryInfo info)
    {
        var xattrs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var x in info.Xattrs) xattrs[x.Key] = Convert.ToBase64String(x.Value);
        return new ZstdChunkedTocEntry
        {
            Type = TocEntryTypes.Of(info) ?? throw new ArgumentException($"unsupported typeflag {info.TypeFlag}", nameof(info)),
            Name = info.Name,
            LinkName = info.LinkName,
            Mode = info.Mode,
            Size = info.Size,
            Uid = info.Uid,
            Gid = info.Gid,
            ModTime = info.ModTime,
            AccessTime = info.AccessTime,
            ChangeTime = info.ChangeTime,
            DevMajor = info.DevMajor,
            DevMinor = info.DevMinor,
            Xattrs = xattrs,
        };
    }
}
