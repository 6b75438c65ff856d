namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// Applies the checks of a modern containers/storage partial pull (docs/formats.md §2.3) to a zstd:chunked blob: the
/// annotations, the TOC and its digest, the tar-split and its digest, TOC ↔ tar-split equality, every file and chunk
/// decoded from its own offset, and the DiffID rebuilt from tar-split + file contents, as c/storage does.
/// </summary>
internal sealed class ZstdChunkedValidator : ILayerValidator
{
    /// <inheritdoc />
    public string FormatName => ZstdChunkedSpec.Name;

    /// <summary>
    /// Whether the content and DiffID checks try <see cref="ZstdChunkedSinglePass"/> first (default); off, they always run separately,
    /// as the tests that hold the two to the same verdicts compare them.
    /// </summary>
    internal bool SinglePass { get; init; } = true;

    /// <inheritdoc />
    public LayerValidationResult Validate(Stream blob, LayerValidationRequest request)
    {
        var failures = new List<string>();
        var session = new ZstdChunkedValidation(blob, request, failures, SinglePass);
        try
        {
            session.Run();
        }
        catch (Exception e) when (MalformedLayerData.Is(e))
        {
            failures.Add($"{session.Stage}: {e.Message}");
        }
        return new LayerValidationResult { Failures = failures, DiffId = session.DiffId, TocDigest = session.TocDigest, EntryCount = session.EntryCount };
    }
}
