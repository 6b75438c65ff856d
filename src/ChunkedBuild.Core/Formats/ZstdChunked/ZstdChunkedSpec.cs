using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// What zstd:chunked is, in constants (docs/formats.md §1; containers/storage's <c>pkg/chunked/internal/minimal</c>): names, media type,
/// annotations, the footer, levels and the readers' limits. The blob (docs/formats.md §1.2):
/// <code>
///  metadata frame   header bytes of the first entries                          (offset 0)
///  payload frame    content of a file (or of one content-defined chunk)         ← the file's or chunk's TOC offset
///  metadata frame   the padding, the headers of the following entries …
///  metadata frame   the last padding, the two zero blocks, any trailer
///  skippable frame  50 2A 4D 18 | u32 LE n | zstd(TOC JSON)                     ← manifest-position offset (first payload byte)
///  skippable frame  50 2A 4D 18 | u32 LE n | zstd(tar-split)                    ← tarsplit-position offset (first payload byte)
///  skippable frame  50 2A 4D 18 | 40 00 00 00 | footer (64 bytes)               ← the blob's last 72 bytes
/// </code>
/// The data frames decompress to the input tar byte for byte, so a layer keeps its DiffID.
/// </summary>
public static class ZstdChunkedSpec
{
    /// <summary>The format's name on the command line and in variant lists.</summary>
    public const string Name = "zstd-chunked";

    /// <summary>How layers of the format are named in reports (inspect, verify, prioritization records): containers/image's compression name.</summary>
    public const string DisplayName = "zstd:chunked";

    /// <summary>The media type of a zstd:chunked blob: plain zstd (the skippable frames are invisible to decoders).</summary>
    public const string MediaType = MediaTypes.OciLayerZstd;

    /// <summary>
    /// The TOC digest annotation (docs/formats.md §1.9): <c>sha256:</c> of the compressed TOC, the TOC frame's payload without its
    /// 8-byte skippable-frame header.
    /// </summary>
    public const string ManifestChecksumAnnotation = "io.github.containers.zstd-chunked.manifest-checksum";

    /// <summary>Where the compressed TOC is: <c>offset:compressedLength:uncompressedLength:1</c>, four unsigned decimals, type 1 (docs/formats.md §1.7, §1.9).</summary>
    public const string ManifestPositionAnnotation = "io.github.containers.zstd-chunked.manifest-position";

    /// <summary>Where the compressed tar-split is: <c>offset:compressedLength:uncompressedLength</c> (docs/formats.md §1.7, §1.9).</summary>
    public const string TarSplitPositionAnnotation = "io.github.containers.zstd-chunked.tarsplit-position";

    /// <summary>
    /// The footer's payload length (containers/storage ≥ 1.50; docs/formats.md §1.8), stored as the last skippable frame, so the blob ends
    /// with <c>50 2A 4D 18 40 00 00 00</c> + these 64 bytes. All fields little-endian u64:
    /// <code>
    ///  0  TOC offset (first byte of the compressed TOC, after its skippable-frame header)
    ///  8  TOC compressed length
    /// 16  TOC uncompressed length
    /// 24  manifest type = 1 (CRFS)
    /// 32  tar-split offset
    /// 40  tar-split compressed length
    /// 48  tar-split uncompressed length
    /// 56  magic "GNUlInUx" = 47 4E 55 6C 49 6E 55 78 (capital N; the old 40-byte footer used "GnUlInUx")
    /// </code>
    /// Current readers use the annotations, not the footer; it makes the blob self-describing.
    /// </summary>
    public const int FooterLength = 64;

    /// <summary>The footer's magic, at payload offset 56.</summary>
    public static ReadOnlySpan<byte> FooterMagic => "GNUlInUx"u8;

    /// <summary>The only manifest type: a CRFS-compatible JSON TOC (the footer's field at 24, the position's fourth number).</summary>
    public const ulong ManifestTypeCrfs = 1;

    /// <summary>The <c>chunkType</c> of a chunk that is all zeros (a hole; docs/formats.md §1.4); data chunks leave the key out.</summary>
    public const string ZerosChunkType = "zeros";

    /// <summary>The lowest zstd level libzstd accepts for the frames.</summary>
    public const int MinLevel = 1;

    /// <summary>The highest zstd level.</summary>
    public const int MaxLevel = 22;

    /// <summary>
    /// The default zstd level (the level is not part of the format): the lowest at which a converted image's first pull is no larger than
    /// the gzip original (README, "Benchmarks", <c>--sizes</c>: on the aspnet-like image level 3 is 1.058× the original, 10 is 1.005×, 12 is
    /// 0.999×), at about 2× level 3's conversion time; <c>--zstd-level 3</c> trades those 6% for speed.
    /// </summary>
    public const int DefaultLevel = 12;

    /// <summary>Readers since containers/storage 1.57.1 refuse larger TOCs, compressed or not (docs/formats.md §2.3).</summary>
    public const long MaxTocSize = 150L << 20;

    /// <summary>Readers older than containers/storage 1.57.1 refuse TOCs above this size and pull the layer fully (docs/formats.md §2.3).</summary>
    public const long BroadlyCompatibleTocSize = 50L << 20;
}
