using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// Writes zstd:chunked layers in the current containers/storage dialect (docs/formats.md §1): every file or content-defined
/// chunk in its own zstd frame, then the TOC, the tar-split and the 64-byte footer in skippable frames. The blob
/// decompresses to the input tar byte for byte, so the DiffID is kept. The format's constants are in <see cref="ZstdChunkedSpec"/>.
/// </summary>
internal sealed class ZstdChunkedFormat : ILayerFormat
{
    /// <inheritdoc />
    public string Name => ZstdChunkedSpec.Name;

    /// <inheritdoc />
    public string DisplayName => ZstdChunkedSpec.DisplayName;

    /// <inheritdoc />
    public string Title => ZstdChunkedSpec.DisplayName;

    /// <inheritdoc />
    public string MediaType => ZstdChunkedSpec.MediaType;

    /// <inheritdoc />
    /// <remarks>libzstd 1.5.7 (bundled) and ZstdSharp write the same frames (pinned by a test), so the tool version covers them.</remarks>
    public string EncoderIdentity(FormatOptions options) => "zstd";

    /// <inheritdoc />
    /// <remarks>2: the tar-split's compressor is planned for a 256 KiB input (<c>ZSTD_c_srcSizeHint</c>), which changes its frame.</remarks>
    public int OutputVersion => 2;

    /// <inheritdoc />
    public LayerCompression Compression => LayerCompression.Zstd;

    /// <inheritdoc />
    public string TocDigestAnnotation => ZstdChunkedSpec.ManifestChecksumAnnotation;

    /// <inheritdoc />
    public IReadOnlyList<string> AnnotationKeys { get; } =
        [ZstdChunkedSpec.ManifestChecksumAnnotation, ZstdChunkedSpec.ManifestPositionAnnotation, ZstdChunkedSpec.TarSplitPositionAnnotation];

    /// <inheritdoc />
    public ValueRange<int> Levels { get; } = new(ZstdChunkedSpec.MinLevel, ZstdChunkedSpec.MaxLevel, ZstdChunkedSpec.DefaultLevel);

    /// <inheritdoc />
    /// <remarks>Chunks are content-defined (docs/formats.md §1.4): <see cref="FormatOptions.ChunkSize"/> is ignored.</remarks>
    public ValueRange<long>? ChunkSizes => null;

    /// <inheritdoc />
    public long MaxTocSize => ZstdChunkedSpec.MaxTocSize;

    /// <inheritdoc />
    public ILayerValidator Validator { get; } = new ZstdChunkedValidator();

    /// <inheritdoc />
    public LayerToc ReadToc(Stream blob, IReadOnlyDictionary<string, string>? annotations) => LayerToc.Read(Name, () => ZstdChunkedTocReader.Read(blob, annotations));

    /// <inheritdoc />
    /// <remarks>The headers come from the tar-split, each file from its own frames (<see cref="ZstdChunkedListing"/>).</remarks>
    public IBlobTarListing? ReadTarListing(Stream blob, IReadOnlyDictionary<string, string> annotations) => ZstdChunkedListing.Read(blob, annotations);

    /// <inheritdoc />
    /// <remarks>
    /// With <see cref="FormatOptions.PrioritizedFiles"/>, the tar is first rewritten with those entries first (<see cref="ZstdChunkedPrioritizedTar"/>):
    /// the layer then decompresses to that reordered tar, so its DiffID differs from the input's. So it does when sparse entries are densified
    /// (<see cref="FormatOptions.Sparse"/>).
    /// </remarks>
    public Task<LayerWriteResult> WriteAsync(Stream uncompressedTar, Stream destination, FormatOptions options, CancellationToken cancellationToken = default) =>
        Task.Factory.StartNew(() => SparseInput.Write(uncompressedTar, options, tar =>
        {
            if (options.PrioritizedFiles.Count == 0) return new ZstdChunkedWriter(options).Run(tar, destination, cancellationToken);
            using var reordered = ZstdChunkedPrioritizedTar.Reorder(tar, options.PrioritizedFiles, options.TempDirectory, options.LayerName, options.SpoolLimit ?? IO.SpoolLimits.Floor, cancellationToken);
            return new ZstdChunkedWriter(options).Run(reordered, destination, cancellationToken);
        }), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <inheritdoc />
    /// <remarks>Every entry of the source in tar order, or with prioritized files in <see cref="ZstdChunkedPrioritizedTar"/>'s order; nothing generated.</remarks>
    public IReadOnlyList<ExpectedEntry> ArrangeEntries(IReadOnlyList<TarEntryInfo> source, FormatOptions options)
    {
        if (options.PrioritizedFiles.Count == 0) return [.. Enumerable.Range(0, source.Count).Select(ExpectedEntry.FromSource)];
        var order = EStargzEntryOrder.Arrange(source, options.PrioritizedFiles);
        return [.. order.Prioritized.Concat(order.Rest).Select(ExpectedEntry.FromSource)];
    }
}
