namespace ChunkedBuild.Core.Formats;

/// <summary>Applies the checks the real readers apply to a blob of one format (docs/formats.md §2.3 and §3.8).</summary>
public interface ILayerValidator
{
    /// <summary>The format's name (<c>zstd-chunked</c> or <c>estargz</c>).</summary>
    string FormatName { get; }

    /// <summary>Checks <paramref name="blob"/> (seekable); never throws for bad content, it reports failures.</summary>
    LayerValidationResult Validate(Stream blob, LayerValidationRequest request);
}
