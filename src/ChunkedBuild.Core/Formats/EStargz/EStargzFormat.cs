using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// Writes eStargz layers (docs/formats.md §3): a gzip member per regular-file payload and per 4 MiB chunk, a landmark file,
/// the <c>stargz.index.json</c> TOC member and the 51-byte footer. Input headers are kept byte for byte; the DiffID
/// changes because the landmark and the TOC entry are added. The annotations are the TOC digest and the uncompressed size.
/// The format's constants are in <see cref="EStargzSpec"/>.
/// </summary>
internal sealed class EStargzFormat : ILayerFormat
{
    /// <inheritdoc />
    public string Name => EStargzSpec.Name;

    /// <inheritdoc />
    public string DisplayName => EStargzSpec.DisplayName;

    /// <inheritdoc />
    public string Title => "eStargz";

    /// <inheritdoc />
    public string MediaType => EStargzSpec.MediaType;

    /// <inheritdoc />
    public string EncoderIdentity(FormatOptions options) => DeflateEngines.Identity(options.Level ?? EStargzSpec.DefaultLevel, options.DeflateEngine);

    /// <inheritdoc />
    /// <remarks>2: gzip members deflated by libdeflate where the system has it (1: always zlib-ng).</remarks>
    public int OutputVersion => 2;

    /// <inheritdoc />
    public LayerCompression Compression => LayerCompression.Gzip;

    /// <inheritdoc />
    public string TocDigestAnnotation => EStargzSpec.TocDigestAnnotation;

    /// <inheritdoc />
    public IReadOnlyList<string> AnnotationKeys { get; } = [EStargzSpec.TocDigestAnnotation, EStargzSpec.UncompressedSizeAnnotation];

    /// <inheritdoc />
    public ValueRange<int> Levels { get; } = new(EStargzSpec.MinLevel, EStargzSpec.MaxLevel, EStargzSpec.DefaultLevel);

    /// <inheritdoc />
    public ValueRange<long>? ChunkSizes { get; } = new(1, EStargzSpec.MaxChunkSize, EStargzSpec.DefaultChunkSize);

    /// <inheritdoc />
    public long MaxTocSize => EStargzSpec.MaxTocSize;

    /// <inheritdoc />
    public ILayerValidator Validator { get; } = new EStargzValidator();

    /// <inheritdoc />
    public LayerToc ReadToc(Stream blob, IReadOnlyDictionary<string, string>? annotations) => LayerToc.Read(Name, () => EStargzTocReader.Read(blob));

    /// <inheritdoc />
    /// <remarks>Always null: the TOC keeps no tar headers (the blob's stream holds the TOC's own entry, and hard links, devices and
    /// PAX records only in the tar).</remarks>
    public IBlobTarListing? ReadTarListing(Stream blob, IReadOnlyDictionary<string, string> annotations) => null;

    /// <inheritdoc />
    public Task<LayerWriteResult> WriteAsync(Stream uncompressedTar, Stream destination, FormatOptions options, CancellationToken cancellationToken = default) =>
        Task.Factory.StartNew(() => SparseInput.Write(uncompressedTar, options, tar => new EStargzWriter(options).Run(tar, destination, cancellationToken)),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);


    /// <inheritdoc />
    /// <remarks>
    /// As <see cref="EStargzWriter"/> writes them: input landmarks and TOC files dropped; without prioritized files
    /// <c>.no.prefetch.landmark</c> first and every entry in tar order; with them the prioritized entries (<see cref="EStargzEntryOrder"/>),
    /// <c>.prefetch.landmark</c>, the rest in tar order; last <c>stargz.index.json</c> (its content is the validator's to check).
    /// </remarks>
    public IReadOnlyList<ExpectedEntry> ArrangeEntries(IReadOnlyList<TarEntryInfo> source, FormatOptions options)
    {
        var kept = Enumerable.Range(0, source.Count).Where(i => !EStargzLandmark.IsLandmark(source[i].Name) && !EStargzLandmark.IsToc(source[i].Name)).ToList();
        var arranged = new List<ExpectedEntry>(kept.Count + 2);
        if (options.PrioritizedFiles.Count == 0)
        {
            arranged.Add(Landmark(EStargzSpec.NoPrefetchLandmark));
            arranged.AddRange(kept.Select(ExpectedEntry.FromSource));
        }
        else
        {
            var order = EStargzEntryOrder.Arrange([.. kept.Select(i => source[i])], options.PrioritizedFiles);
            arranged.AddRange(order.Prioritized.Select(i => ExpectedEntry.FromSource(kept[i])));
            arranged.Add(Landmark(EStargzSpec.PrefetchLandmark));
            arranged.AddRange(order.Rest.Select(i => ExpectedEntry.FromSource(kept[i])));
        }
        arranged.Add(ExpectedEntry.Generated(EStargzSpec.TocName, size => EStargzTarHeader.RegularFile(EStargzSpec.TocName, size), content: null));
        return arranged;
    }

    private static ExpectedEntry Landmark(string name) =>
        ExpectedEntry.Generated(name, size => EStargzTarHeader.RegularFile(name, size), [EStargzSpec.LandmarkContent]);
}
