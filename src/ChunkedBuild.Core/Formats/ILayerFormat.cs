using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// A lazy-pull layer format, and the one front door to everything about it: its names, media type and annotations, the ranges of its
/// options, the readers' limits, which descriptors are of it, its TOC reader, its validator and its writer. <see cref="LayerFormats"/> holds
/// every format; code outside <c>Formats/</c> asks it instead of knowing a format (docs/design.md §3).
/// </summary>
public interface ILayerFormat
{
    /// <summary>The format's name on the command line and in variant lists: <c>zstd-chunked</c> or <c>estargz</c>.</summary>
    string Name { get; }

    /// <summary>How reports name layers of the format (inspect's layer format, verify's failure prefix, prioritization records): <c>zstd:chunked</c> or <c>estargz</c>.</summary>
    string DisplayName { get; }

    /// <summary>How prose names the format (messages): <c>zstd:chunked</c> or <c>eStargz</c>.</summary>
    string Title { get; }

    /// <summary>The OCI media type of the blobs this format writes.</summary>
    string MediaType { get; }

    /// <summary>What a full (non-lazy) puller decompresses: the blobs' compression.</summary>
    LayerCompression Compression { get; }

    /// <summary>The layer-descriptor annotation holding the TOC digest, the identity lazy pullers trust.</summary>
    string TocDigestAnnotation { get; }

    /// <summary>Every layer-descriptor annotation the format writes, the TOC digest's among them.</summary>
    IReadOnlyList<string> AnnotationKeys { get; }

    /// <summary>The compression levels <see cref="FormatOptions.Level"/> accepts, and the format's default.</summary>
    ValueRange<int> Levels { get; }

    /// <summary>
    /// What the output bytes depend on besides the input and <paramref name="options"/>: the compressor and a fingerprint of
    /// its output (e.g. <c>libdeflate:…</c> or <c>zlib-ng:…</c> for eStargz). Part of the converted-layer cache key, so a layer
    /// written by another compressor is never served as if this machine had written it.
    /// </summary>
    string EncoderIdentity(FormatOptions options);

    /// <summary>
    /// The version of the bytes this format writes, raised whenever the bytes written for the same input, options and encoder change
    /// on purpose. Part of the converted-layer cache key beside <see cref="EncoderIdentity"/>, so entries written by an older writer are
    /// never reused, whatever the tool version says.
    /// </summary>
    int OutputVersion { get; }

    /// <summary>
    /// The chunk sizes <see cref="FormatOptions.ChunkSize"/> accepts and its default, for a format that cuts files into fixed-size chunks;
    /// null when the format cuts chunks by content and ignores the option.
    /// </summary>
    ValueRange<long>? ChunkSizes { get; }

    /// <summary>The largest TOC (compressed or not) the readers accept; with a larger one they pull the layer fully or fail.</summary>
    long MaxTocSize { get; }

    /// <summary>The checks the readers apply to a blob of this format.</summary>
    ILayerValidator Validator { get; }

    /// <summary>
    /// Whether <paramref name="layer"/> is of this format, as readers decide it (containers/storage's <c>toc.GetTOCDigest</c>): its media
    /// type (a Docker layer type counts as its OCI equivalent) and its TOC digest annotation.
    /// </summary>
    bool Describes(Descriptor layer) => MediaTypes.OciLayerOf(layer.MediaType) == MediaType && layer.Annotation(TocDigestAnnotation) is not null;

    /// <summary>
    /// Reads just the TOC of <paramref name="blob"/> (seekable: the footer and the TOC are read, never the payloads), with the descriptor's
    /// <paramref name="annotations"/> where the format needs them, and gives what a lazy puller learns from it.
    /// </summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB1301 when the TOC cannot be read.</exception>
    LayerToc ReadToc(Stream blob, IReadOnlyDictionary<string, string>? annotations);

    /// <summary>
    /// Lists the tar of a blob this format wrote from its metadata alone, or null when the format's metadata does not hold every tar header
    /// (eStargz's TOC leaves the tar's own headers out). Meant for a blob its <see cref="Validator"/> accepted with the layer's DiffID: only then
    /// is the listing proven to be the layer's tar.
    /// </summary>
    /// <exception cref="FormatException">The metadata is malformed.</exception>
    IBlobTarListing? ReadTarListing(Stream blob, IReadOnlyDictionary<string, string> annotations);

    /// <summary>
    /// Converts <paramref name="uncompressedTar"/> (read sequentially) and writes the blob to <paramref name="destination"/>; the returned
    /// result is the only way annotations reach a layer descriptor (they exist only once the stream has been consumed). Entries the format
    /// cannot represent raise a <see cref="Errors.ChunkedBuildException"/> naming the entry and the rule.
    /// </summary>
    Task<LayerWriteResult> WriteAsync(Stream uncompressedTar, Stream destination, FormatOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// The entries a blob <see cref="WriteAsync"/> writes holds, in order, for a source whose entries (as read through
    /// <see cref="LayerOrigin.ReadSource"/>) are <paramref name="source"/>: the rule <see cref="LayerOrigin.Check(IReadOnlyList{TarEntryDigest}, ILayerFormat, SourceEntries, FormatOptions)"/> holds a converted
    /// blob made elsewhere to.
    /// </summary>
    IReadOnlyList<ExpectedEntry> ArrangeEntries(IReadOnlyList<Tar.TarEntryInfo> source, FormatOptions options);
}
