using ChunkedBuild.Core.IO;
using System.Globalization;
using System.IO.Compression;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;
using ChunkedBuild.Core.Formats.ZstdChunked;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>One validation run of <see cref="EStargzValidator"/>; checks run in the order a reader applies them.</summary>
internal sealed class EStargzValidation(Stream blob, LayerValidationRequest request, List<string> failures)
{
    public string Stage { get; private set; } = "annotations";
    public Digest? DiffId { get; private set; }
    public Digest? TocDigest { get; private set; }
    public int EntryCount { get; private set; }

    public void Run()
    {
        var annotations = request.Annotations ?? new Dictionary<string, string>();
        if (!LayerFormatCheck.Matches(blob, annotations, "estargz", failures)) return;
        CheckAnnotationFamily(annotations);

        Stage = "footer";
        if (ReadFooter() is not { } tocOffset) return;

        Stage = "TOC";
        if (ReadTocJson(tocOffset) is not { } tocJson) return;
        var tocDigest = Digest.Sha256Of(tocJson);
        CheckTocDigest(annotations, tocDigest);
        TocDigest = tocDigest;
        var toc = EStargzTocParser.Parse(tocJson);
        EntryCount = toc.Entries.Count;
        var files = EStargzTocRules.Check(toc.Entries, tocOffset, failures);

        Stage = "content";
        new EStargzContentCheck(blob, tocOffset, failures).Check(files);

        Stage = "stream";
        var stream = new EStargzStreamCheck(blob, failures);
        try
        {
            stream.Check(toc.Entries, tocDigest);
        }
        finally
        {
            DiffId = stream.DiffId;
        }
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

    private void CheckAnnotationFamily(IReadOnlyDictionary<string, string> annotations)
    {
        foreach (var key in new[] { ZstdChunkedSpec.ManifestChecksumAnnotation, ZstdChunkedSpec.ManifestPositionAnnotation, ZstdChunkedSpec.TarSplitPositionAnnotation })
        {
            if (annotations.ContainsKey(key))
                failures.Add($"annotations: the zstd:chunked annotation '{key}' is present on an eStargz layer; containers/image fails the copy");
        }
    }

    private long? ReadFooter()
    {
        if (blob.Length < EStargzFooter.Size)
        {
            failures.Add($"footer: the blob has {blob.Length} bytes, fewer than the {EStargzFooter.Size}-byte eStargz footer");
            return null;
        }
        var footer = RangeReadStream.ReadAll(blob, blob.Length - EStargzFooter.Size, EStargzFooter.Size);
        if (!EStargzFooter.TryParse(footer, out var tocOffset, out var error))
        {
            failures.Add($"footer: the last {EStargzFooter.Size} bytes are not an eStargz footer: {error}");
            return null;
        }
        if (tocOffset <= 0 || tocOffset >= blob.Length - EStargzFooter.Size)
        {
            failures.Add($"footer: TOC offset {tocOffset} is not inside the blob before the footer (0, {blob.Length - EStargzFooter.Size})");
            return null;
        }
        return tocOffset;
    }

    /// <summary>The TOC member (one gzip member from the offset to the footer) must hold a tar whose first file is the TOC.</summary>
    private byte[]? ReadTocJson(long tocOffset)
    {
        var memberLength = blob.Length - EStargzFooter.Size - tocOffset;
        if (memberLength > EStargzSpec.MaxTocSize)
        {
            failures.Add($"TOC: the TOC member is {memberLength} bytes, over the readers' 150 MiB limit");
            return null;
        }
        var member = RangeReadStream.ReadAll(blob, tocOffset, memberLength);
        try
        {
            using var gzip = new GZipStream(new MemoryStream(member), CompressionMode.Decompress);
            using var reader = new RawTarReader(gzip);
            if (reader.ReadNext() is not { } first)
            {
                failures.Add($"TOC: the member at {tocOffset} holds no tar entry");
                return null;
            }
            if (first.Info.Name != EStargzSpec.TocName)
            {
                failures.Add($"TOC: the first tar entry of the member at {tocOffset} is '{first.Info.Name}', expected '{EStargzSpec.TocName}'");
                return null;
            }
            if (first.Info.Size > EStargzSpec.MaxTocSize)
            {
                failures.Add($"TOC: the TOC JSON is {first.Info.Size} bytes, over the readers' 150 MiB limit");
                return null;
            }
            var json = new byte[first.Info.Size];
            var got = 0;
            int n;
            while (got < json.Length && (n = reader.ReadData(json.AsSpan(got))) > 0) got += n;
            if (got < json.Length)
            {
                failures.Add($"TOC: {EStargzSpec.TocName} ends after {got} of its {json.Length} bytes");
                return null;
            }
            return json;
        }
        catch (InvalidDataException e)
        {
            failures.Add($"TOC: the member at {tocOffset} does not decompress: {e.Message}");
            return null;
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
