using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// One entry of the eStargz TOC (stargz-snapshotter <c>estargz.TOCEntry</c>, docs/formats.md §3.3). Metadata fields are the
/// tar header's; content fields (<c>offset</c>, <c>digest</c>, <c>chunk*</c>) are filled once the payload is written.
/// Every field except <see cref="Name"/> and <see cref="Type"/> is omitted from the JSON when it is zero or empty.
/// </summary>
public sealed class EStargzTocEntry
{
    /// <summary>The tar name verbatim (a <c>chunk</c> entry repeats its file's name).</summary>
    public required string Name { get; init; }
    /// <summary><c>reg dir symlink hardlink char block fifo chunk</c>.</summary>
    public required string Type { get; init; }
    /// <summary>Logical size (<c>reg</c> only).</summary>
    public long Size { get; init; }
    /// <summary>Modification time as written: UTC, whole seconds (Go rounds), <c>2006-01-02T15:04:05Z</c>; empty when 0.</summary>
    public string ModTime { get; init; } = "";
    /// <summary>Link target (symlink, hardlink).</summary>
    public string LinkName { get; init; } = "";
    /// <summary>The raw tar header mode.</summary>
    public long Mode { get; init; }
    /// <summary>User id.</summary>
    public long Uid { get; init; }
    /// <summary>Group id.</summary>
    public long Gid { get; init; }
    /// <summary>User name; present only when it differs from the last one written for this uid (readers carry it forward).</summary>
    public string UserName { get; init; } = "";
    /// <summary>Group name; present only when it differs from the last one written for this gid.</summary>
    public string GroupName { get; init; } = "";
    /// <summary>Blob offset of the gzip member that starts with this file's (or chunk's) payload.</summary>
    public long Offset { get; set; }
    /// <summary>Uncompressed offset of the payload inside the member at <see cref="Offset"/>; never written by ChunkedBuild.</summary>
    public long InnerOffset { get; init; }
    /// <summary>Device major (char, block).</summary>
    public long DevMajor { get; init; }
    /// <summary>Device minor (char, block).</summary>
    public long DevMinor { get; init; }
    /// <summary>Extended attributes: name → raw value (JSON: base64, keys sorted bytewise like Go maps).</summary>
    public IReadOnlyDictionary<string, byte[]> Xattrs { get; init; } = EmptyXattrs;
    /// <summary><c>sha256:…</c> of the whole file; set on every <c>reg</c>, including empty files.</summary>
    public string Digest { get; set; } = "";
    /// <summary>Offset of this chunk inside the file (<c>chunk</c> entries).</summary>
    public long ChunkOffset { get; init; }
    /// <summary>Size of this chunk when it is a full chunk; 0 for the last (partial) one, which readers compute.</summary>
    public long ChunkSize { get; set; }
    /// <summary><c>sha256:…</c> of this piece's uncompressed bytes (non-empty <c>reg</c> and every <c>chunk</c>).</summary>
    public string ChunkDigest { get; set; } = "";

    /// <summary>True for entries that carry payload bytes: a non-empty <c>reg</c> or a <c>chunk</c>.</summary>
    public bool HasPayload => Type == TocEntryTypes.Chunk || (Type == TocEntryTypes.Regular && Size > 0);

    /// <summary>The path readers use for this entry: <c>clean("/" + name)</c> without the leading slash (root = <c>""</c>).</summary>
    public string CleanName => CleanEntryName(Name);

    /// <summary>stargz-snapshotter's <c>cleanEntryName</c>: <c>path.Clean("/" + name)</c> minus the leading <c>/</c>.</summary>
    public static string CleanEntryName(string name) => TarPath.CleanAbsolute(name)[1..];

    private static readonly IReadOnlyDictionary<string, byte[]> EmptyXattrs = new Dictionary<string, byte[]>();
}
