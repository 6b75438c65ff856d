namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>Applies the real readers' checks to estargz blobs.</summary>
public sealed class EStargzValidator : ILayerValidator
{
    /// <inheritdoc />
    public string FormatName => "estargz";

    /// <inheritdoc />
    public LayerValidationResult Validate(Stream blob, LayerValidationRequest request) => throw new NotImplementedException();
}
