using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>Writes estargz layers.</summary>
public sealed class EStargzFormat : ILayerFormat
{
    /// <inheritdoc />
    public string Name => "estargz";

    /// <inheritdoc />
    public string MediaType => MediaTypes.OciLayerGzip;

    /// <inheritdoc />
    public Task<LayerWriteResult> WriteAsync(Stream uncompressedTar, Stream destination, FormatOptions options, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();
}
