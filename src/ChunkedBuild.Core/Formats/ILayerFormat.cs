namespace ChunkedBuild.Core.Formats;

/// <summary>
/// A lazy-pull layer format. Takes an uncompressed tar stream and writes the converted blob; the returned result is the
/// only way annotations reach a layer descriptor (they exist only once the stream has been consumed).
/// </summary>
public interface ILayerFormat
{
    /// <summary>The format's name on the command line: <c>zstd-chunked</c> or <c>estargz</c>.</summary>
    string Name { get; }

    /// <summary>The OCI media type of the blobs this format writes.</summary>
    string MediaType { get; }

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
    /// Converts <paramref name="uncompressedTar"/> (read sequentially) and writes the blob to <paramref name="destination"/>.
    /// Entries the format cannot represent raise a <see cref="Errors.ChunkedBuildException"/> naming the entry and the rule.
    /// </summary>
    Task<LayerWriteResult> WriteAsync(Stream uncompressedTar, Stream destination, FormatOptions options, CancellationToken cancellationToken = default);

    /// <summary>The keys of the layer-descriptor annotations this format writes (every one of them checked by its validator).</summary>
    IReadOnlyList<string> AnnotationKeys { get; }

    /// <summary>
    /// The entries a blob <see cref="WriteAsync"/> writes holds, in order, for a source whose entries (as read through
    /// <see cref="LayerOrigin.ReadSource"/>) are <paramref name="source"/>: the rule <see cref="LayerOrigin.Check"/> holds a converted
    /// blob made elsewhere to.
    /// </summary>
    IReadOnlyList<ExpectedEntry> ArrangeEntries(IReadOnlyList<Tar.TarEntryInfo> source, FormatOptions options);
}
