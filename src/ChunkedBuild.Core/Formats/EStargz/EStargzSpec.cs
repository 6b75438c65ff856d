using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// What eStargz is, in constants (docs/formats.md §3; stargz-snapshotter's <c>estargz/types.go</c>): names, media type, annotations,
/// the TOC file and the landmarks, the footer, chunk sizes, levels and the readers' limits. The blob:
/// <code>
///  member 0        headers of the first entries                                           (at offset 0)
///  member          content of a regular file (or its first chunk), its padding, the following headers
///  member          the next chunk …, the next file's content …
///  member (TOC)    the header of "stargz.index.json", the TOC JSON, its padding, two zero blocks (the tar's end)
///  member (footer) an empty member of 51 bytes whose Extra field holds the TOC member's offset
/// </code>
/// Every member start that a reader relies on is the start of a payload (docs/formats.md §3.1); the whole blob decompresses to one tar
/// whose last file is the TOC.
/// </summary>
public static class EStargzSpec
{
    /// <summary>The format's name on the command line and in variant lists.</summary>
    public const string Name = "estargz";

    /// <summary>How layers of the format are named in reports (inspect, verify, prioritization records).</summary>
    public const string DisplayName = "estargz";

    /// <summary>The media type of an eStargz blob: plain gzip, which is what lets every reader pull it fully (docs/formats.md §3.1).</summary>
    public const string MediaType = MediaTypes.OciLayerGzip;

    /// <summary>
    /// The TOC digest annotation (docs/formats.md §3.6): <c>sha256:</c> of the uncompressed TOC JSON exactly as stored in
    /// <see cref="TocName"/>. stargz-snapshotter refuses to mount a layer without it.
    /// </summary>
    public const string TocDigestAnnotation = "containerd.io/snapshot/stargz/toc.digest";

    /// <summary>The decimal length of the whole decompressed blob (informational; docs/formats.md §3.6).</summary>
    public const string UncompressedSizeAnnotation = "io.containers.estargz.uncompressed-size";

    /// <summary>The name of the TOC file: the last file of the tar, alone in its member (docs/formats.md §3.4).</summary>
    public const string TocName = "stargz.index.json";

    /// <summary>
    /// The landmark that follows the prioritized files (docs/formats.md §3.5): a lazy puller prefetches [0, its offset) in one request.
    /// Landmarks are 1-byte regular files at the layer root, each starting a member of its own.
    /// </summary>
    public const string PrefetchLandmark = ".prefetch.landmark";

    /// <summary>The landmark that comes first when nothing is prioritized: nothing is prefetched (docs/formats.md §3.5).</summary>
    public const string NoPrefetchLandmark = ".no.prefetch.landmark";

    /// <summary>A landmark's only byte.</summary>
    public const byte LandmarkContent = 0x0F;

    /// <summary>
    /// The footer's length (docs/formats.md §3.4): an empty gzip member whose Extra field holds the TOC member's offset.
    /// <code>
    ///  off len  bytes
    ///    0  10  1F 8B 08 04 00 00 00 00 00 FF   gzip header: ID1 ID2 CM=deflate FLG=FEXTRA MTIME=0 XFL=0 OS=255
    ///   10   2  1A 00                           XLEN = 26 (LE)
    ///   12   2  53 47                           subfield id "SG"
    ///   14   2  16 00                           subfield LEN = 22 (LE)
    ///   16  16  TOC offset, 16 lowercase hex digits, zero-padded (%016x)
    ///   32   6  "STARGZ"
    ///   38   5  01 00 00 FF FF                  deflate stored block, final, empty
    ///   43   8  00 × 8                          CRC32 = 0, ISIZE = 0
    /// </code>
    /// </summary>
    public const int FooterSize = 51;

    /// <summary>stargz-snapshotter's default chunk size: files are cut at multiples of it, each piece starting a member (docs/formats.md §3.2).</summary>
    public const long DefaultChunkSize = 4L << 20;

    /// <summary>The largest chunk size accepted: the writer holds one chunk in memory as one gzip member.</summary>
    public const long MaxChunkSize = 256L << 20;

    /// <summary>The gzip levels (deflate 0-9).</summary>
    public const int MinLevel = 0;

    /// <summary>The highest gzip level.</summary>
    public const int MaxLevel = 9;

    /// <summary>The default gzip level (the stargz-snapshotter tools default to 9; 6 is the usual speed/size balance).</summary>
    public const int DefaultLevel = 6;

    /// <summary>containers/storage refuses larger TOCs (the compressed member and the JSON; docs/formats.md §3.8).</summary>
    public const long MaxTocSize = 150L << 20;
}
