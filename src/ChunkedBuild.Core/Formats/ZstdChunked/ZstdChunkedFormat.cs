using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>Writes zstd-chunked layers.</summary>
public sealed class ZstdChunkedFormat : ILayerFormat
{
    /// <inheritdoc />
    public string Name => "zstd-chunked";

    /// <inheritdoc />
    public string MediaType => MediaTypes.OciLayerZstd;

    /// <inheritdoc />
    public Task<LayerWriteResult> WriteAsync(Stream uncompressedTar, Stream destination, FormatOptions options, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();
}
