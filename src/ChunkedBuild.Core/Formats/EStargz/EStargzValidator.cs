
namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// Applies the checks of stargz-snapshotter (<c>estargz.Open</c>, <c>VerifyTOC</c>, chunk verification) and of a
/// containers/storage eStargz pull (docs/formats.md §3.4, §3.6, §3.8) to a blob: the 51-byte footer, the TOC member and its
/// digest against <c>toc.digest</c>, the TOC's structure, every chunk decompressed from its own offset, and the whole
/// blob decompressed as a full puller sees it (entries equal to the TOC, last file the TOC, DiffID, uncompressed size).
/// </summary>
internal sealed class EStargzValidator : ILayerValidator
{
    /// <inheritdoc />
    public string FormatName => EStargzSpec.Name;

    /// <summary>
    /// Whether the content and stream checks try <see cref="EStargzSinglePass"/> first (default; it needs libdeflate); off, they always run
    /// separately, as the tests that hold the two to the same verdicts compare them.
    /// </summary>
    internal bool SinglePass { get; init; } = true;

    /// <inheritdoc />
    public LayerValidationResult Validate(Stream blob, LayerValidationRequest request)
    {
        var failures = new List<string>();
        var session = new EStargzValidation(blob, request, failures, SinglePass);
        try
        {
            session.Run();
        }
        catch (Exception e) when (MalformedLayerData.Is(e))
        {
            failures.Add($"{session.Stage}: {e.Message}");
        }
        return new LayerValidationResult { Failures = failures, DiffId = session.DiffId, TocDigest = session.TocDigest, EntryCount = session.EntryCount, StreamEntries = session.StreamEntries };
    }
}
