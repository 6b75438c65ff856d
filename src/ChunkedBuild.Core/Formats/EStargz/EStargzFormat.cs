using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// Writes eStargz layers (docs/formats.md §3): a gzip member per regular-file payload and per 4 MiB chunk, a landmark file,
/// the <c>stargz.index.json</c> TOC member and the 51-byte footer. Input headers are kept byte for byte; the DiffID
/// changes because the landmark and the TOC entry are added. The annotations are the TOC digest and the uncompressed size.
/// </summary>
public sealed class EStargzFormat : ILayerFormat
{
    /// <summary>The default gzip level (the stargz-snapshotter tools default to 9; 6 is the usual speed/size balance).</summary>
    public const int DefaultLevel = 6;

    /// <inheritdoc />
    public string Name => "estargz";

    /// <inheritdoc />
    public string MediaType => MediaTypes.OciLayerGzip;

    /// <inheritdoc />
    public string EncoderIdentity(FormatOptions options) => DeflateEngines.Identity(options.Level ?? DefaultLevel, options.DeflateEngine);

    /// <inheritdoc />
    /// <remarks>2: gzip members deflated by libdeflate where the system has it (1: always zlib-ng).</remarks>
    public int OutputVersion => 2;

    /// <inheritdoc />
    public Task<LayerWriteResult> WriteAsync(Stream uncompressedTar, Stream destination, FormatOptions options, CancellationToken cancellationToken = default) =>
        Task.Factory.StartNew(() => SparseInput.Write(uncompressedTar, options, tar => new EStargzWriter(options).Run(tar, destination, cancellationToken)),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
