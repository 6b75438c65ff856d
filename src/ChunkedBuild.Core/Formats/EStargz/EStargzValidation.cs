using System.Globalization;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>One validation run of <see cref="EStargzValidator"/>; checks run in the order a reader applies them.</summary>
internal sealed class EStargzValidation(Stream blob, LayerValidationRequest request, List<string> failures, bool singlePass = true)
{
    public string Stage { get; private set; } = "annotations";
    public Digest? DiffId { get; private set; }
    public Digest? TocDigest { get; private set; }
    public int EntryCount { get; private set; }
    public IReadOnlyList<TarEntryDigest>? StreamEntries { get; private set; }

    public void Run()
    {
        var annotations = request.Annotations ?? new Dictionary<string, string>();
        if (!LayerFormatCheck.Matches(blob, annotations, LayerFormats.EStargz, failures)) return;
        CheckAnnotationFamily(annotations);

        Stage = "footer";
        if (!EStargzTocReader.TryReadFooter(blob, out var tocOffset, out var error))
        {
            failures.Add($"footer: {error}");
            return;
        }

        Stage = "TOC";
        if (!EStargzTocReader.TryReadTocJson(blob, tocOffset, out var tocJson, out error))
        {
            failures.Add($"TOC: {error}");
            return;
        }
        var tocDigest = Digest.Sha256Of(tocJson);
        CheckTocDigest(annotations, tocDigest);
        TocDigest = tocDigest;
        var toc = EStargzTocParser.Parse(tocJson);
        EntryCount = toc.Entries.Count;
        var files = EStargzTocRules.Check(toc.Entries, tocOffset, failures);

        Stage = "content";
        // One decompression proves what the two separate checks below prove (EStargzSinglePass); they run when it cannot, and report.
        var stream = singlePass && failures.Count == 0 ? EStargzSinglePass.TryRun(blob, tocOffset, files, toc.Entries, tocDigest) : null;
        if (stream is null)
        {
            new EStargzContentCheck(blob, tocOffset, failures).Check(files);

            Stage = "stream";
            stream = new EStargzStreamCheck(blob, failures);
            try
            {
                stream.Check(toc.Entries, tocDigest);
            }
            finally
            {
                DiffId = stream.DiffId;
                StreamEntries = stream.Entries;
            }
        }
        DiffId = stream.DiffId;
        StreamEntries = stream.Entries;
        if (stream.DiffId is not { } diffId) return;
        if (request.DiffId is { } expected && expected != diffId)
            failures.Add($"DiffID: the decompressed blob is {diffId}, expected {expected}");
        if (annotations.TryGetValue(EStargzSpec.UncompressedSizeAnnotation, out var sizeText))
        {
            if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                failures.Add($"annotations: '{EStargzSpec.UncompressedSizeAnnotation}' value '{sizeText}' is not a decimal size");
            else if (size != stream.UncompressedSize)
                failures.Add($"annotations: '{EStargzSpec.UncompressedSizeAnnotation}' says {size}, the decompressed blob has {stream.UncompressedSize} bytes");
        }
    }

    /// <summary>Never both TOC annotation families on one descriptor (docs/formats.md §1.9): containers/image refuses the layer.</summary>
    private void CheckAnnotationFamily(IReadOnlyDictionary<string, string> annotations)
    {
        foreach (var other in LayerFormats.All.Where(f => f.Name != EStargzSpec.Name))
        {
            foreach (var key in other.AnnotationKeys.Where(annotations.ContainsKey))
                failures.Add($"annotations: the {other.DisplayName} annotation '{key}' is present on an eStargz layer; containers/image fails the copy");
        }
    }

    private void CheckTocDigest(IReadOnlyDictionary<string, string> annotations, Digest actual)
    {
        Digest expected;
        if (annotations.TryGetValue(EStargzSpec.TocDigestAnnotation, out var text))
        {
            if (!Digest.TryParse(text, out expected))
            {
                failures.Add($"annotations: '{EStargzSpec.TocDigestAnnotation}' value '{text}' is not a sha256 digest");
                return;
            }
        }
        else if (request.TocDigest is { } given) expected = given;
        else
        {
            failures.Add($"annotations: '{EStargzSpec.TocDigestAnnotation}' is missing and no TOC digest was given; stargz-snapshotter refuses to mount such a layer");
            return;
        }
        if (actual != expected)
            failures.Add($"TOC digest: the sha256 of {EStargzSpec.TocName} is {actual}, the toc.digest says {expected}");
    }
}
