namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>Applies the real readers' checks to zstd-chunked blobs.</summary>
public sealed class ZstdChunkedValidator : ILayerValidator
{
    /// <inheritdoc />
    public string FormatName => "zstd-chunked";

    /// <inheritdoc />
    public LayerValidationResult Validate(Stream blob, LayerValidationRequest request) => throw new NotImplementedException();
}
