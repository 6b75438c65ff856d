using System.Security.Cryptography;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>One validation run of <see cref="ZstdChunkedValidator"/>; checks run in the order a reader applies them.</summary>
internal sealed class ZstdChunkedValidation(Stream blob, LayerValidationRequest request, List<string> failures, bool singlePass = true)
{
    public string Stage { get; private set; } = "annotations";
    public Digest? DiffId { get; private set; }
    public Digest? TocDigest { get; private set; }
    public int EntryCount { get; private set; }

    public void Run()
    {
        var annotations = request.Annotations ?? new Dictionary<string, string>();
        if (!LayerFormatCheck.Matches(blob, annotations, LayerFormats.ZstdChunked, failures)) return;
        // Never both TOC annotation families on one descriptor (docs/formats.md §1.9): containers/image refuses the layer.
        foreach (var other in LayerFormats.All.Where(f => f.Name != ZstdChunkedSpec.Name && annotations.ContainsKey(f.TocDigestAnnotation)))
            failures.Add($"annotations: both zstd:chunked and {other.DisplayName} TOC annotations are present ('{other.TocDigestAnnotation}'); containers/image fails the copy");
        var footer = ZstdChunkedTocReader.ReadFooter(blob);
        var tocPosition = ResolvePosition(annotations, footer);
        var expectedTocDigest = ResolveTocDigest(annotations);
        if (tocPosition is null || expectedTocDigest is null) return;

        Stage = "TOC";
        if (!ZstdChunkedTocReader.IsWithinLimit(tocPosition))
        {
            failures.Add($"TOC: {tocPosition.UncompressedLength} bytes exceeds the readers' 150 MiB limit");
            return;
        }
        var tocCompressed = RangeReadStream.ReadAll(blob, tocPosition.Offset, tocPosition.CompressedLength);
        var tocDigest = Digest.Sha256Of(tocCompressed);
        if (tocDigest != expectedTocDigest.Value)
        {
            failures.Add($"TOC: sha256 of the compressed TOC at {tocPosition.Offset} is {tocDigest}, the manifest-checksum says {expectedTocDigest}");
            return;
        }
        TocDigest = tocDigest;
        var tocJson = ZstdChunkedTocReader.Decompress(tocCompressed);
        if (tocJson.Length != tocPosition.UncompressedLength)
            failures.Add($"TOC: decompressed length {tocJson.Length} differs from the declared {tocPosition.UncompressedLength}");
        var toc = ZstdChunkedTocParser.Parse(tocJson);
        EntryCount = toc.Entries.Count;
        if (!Digest.TryParse(toc.TarSplitDigest, out var tarSplitDigest))
        {
            failures.Add("TOC: tarSplitDigest is missing or not a digest; modern readers fall back to a full pull");
            return;
        }

        Stage = "tar-split";
        var tarSplitPosition = annotations.Count > 0
            ? ZstdChunkedPosition.TryParseTarSplitPosition(annotations.GetValueOrDefault(ZstdChunkedSpec.TarSplitPositionAnnotation))
            : footer?.TarSplit;
        if (tarSplitPosition is null)
        {
            failures.Add($"annotations: '{ZstdChunkedSpec.TarSplitPositionAnnotation}' is missing or not offset:length:length with offset > 0");
            return;
        }
        var tarSplitCompressed = RangeReadStream.ReadAll(blob, tarSplitPosition.Offset, tarSplitPosition.CompressedLength);
        if (Digest.Sha256Of(tarSplitCompressed) != tarSplitDigest)
        {
            failures.Add($"tar-split: sha256 of the compressed tar-split at {tarSplitPosition.Offset} does not equal the TOC's tarSplitDigest {tarSplitDigest}");
            return;
        }
        var tarSplitJson = ZstdChunkedTocReader.Decompress(tarSplitCompressed);
        if (tarSplitJson.Length != tarSplitPosition.UncompressedLength)
            failures.Add($"tar-split: decompressed length {tarSplitJson.Length} differs from the declared {tarSplitPosition.UncompressedLength}");
        var lines = TarSplitReader.Read(new MemoryStream(tarSplitJson)).ToList();
        var headers = TarSplitHeaders.Iterate(lines).ToList();
        CheckDuplicateTarSplitPaths(lines);

        Stage = "TOC ↔ tar-split";
        failures.AddRange(ZstdChunkedTarSplitCheck.Compare(toc.Entries, headers.Select(h => h.Header)));

        Stage = "content";
        // One decompression proves what the separate checks below prove (ZstdChunkedSinglePass); they run when it cannot, and report.
        if (singlePass && failures.Count == 0 && new ZstdChunkedSinglePass(blob).Run(toc.Entries, lines) is { } provenDiffId)
        {
            DiffId = provenDiffId;
            if (request.DiffId is { } wanted && wanted != provenDiffId)
                failures.Add($"DiffID: the decompressed blob is {provenDiffId}, expected {wanted}");
            return;
        }
        var files = new ZstdChunkedContentCheck(blob, failures).Check(toc.Entries);

        Stage = "DiffID";
        CheckDiffId(lines, files);
    }

    private ZstdChunkedPosition? ResolvePosition(IReadOnlyDictionary<string, string> annotations, ZstdChunkedFooter? footer)
    {
        if (annotations.Count == 0)
        {
            if (footer is null) failures.Add("footer: the blob does not end with a 64-byte GNUlInUx footer frame and no annotations were given");
            return footer?.Toc;
        }
        var position = ZstdChunkedPosition.TryParseManifestPosition(annotations.GetValueOrDefault(ZstdChunkedSpec.ManifestPositionAnnotation));
        if (position is null)
            failures.Add($"annotations: '{ZstdChunkedSpec.ManifestPositionAnnotation}' is missing or not offset:length:length:1");
        else if (footer is not null && footer.Toc != position)
            failures.Add($"footer: TOC position {footer.Toc.ToManifestPosition()} differs from the annotation {position.ToManifestPosition()}");
        return position;
    }

    private Digest? ResolveTocDigest(IReadOnlyDictionary<string, string> annotations)
    {
        if (annotations.TryGetValue(ZstdChunkedSpec.ManifestChecksumAnnotation, out var text))
        {
            if (Digest.TryParse(text, out var d)) return d;
            failures.Add($"annotations: '{ZstdChunkedSpec.ManifestChecksumAnnotation}' value '{text}' is not a sha256 digest");
            return null;
        }
        if (request.TocDigest is { } given) return given;
        failures.Add($"annotations: '{ZstdChunkedSpec.ManifestChecksumAnnotation}' is missing and no TOC digest was given");
        return null;
    }

    private void CheckDuplicateTarSplitPaths(List<TarSplitEntry> lines)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line.Type != TarSplitEntry.FileType || line.Name is null) continue;
            if (!seen.Add(TarPath.Clean(line.Name))) failures.Add($"tar-split: duplicate path '{line.Name}' (tar-split's ErrDuplicatePath)");
        }
    }

    /// <summary>Rebuilds the tar from tar-split + the files decoded from their frames (as c/storage does) and compares DiffIDs.</summary>
    private void CheckDiffId(List<TarSplitEntry> lines, IReadOnlyDictionary<string, ZstdChunkedTocEntry> files)
    {
        using var rebuilt = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var sink = new HashSinkStream(rebuilt))
        {
            TarSplitAssembler.Assemble(lines, line =>
            {
                var name = line.Name ?? "";
                if (!files.TryGetValue(name, out var entry))
                    throw new InvalidDataException($"tar-split file '{name}' has content but no TOC entry with an offset");
                return new BoundedStream(new ZstdSharp.DecompressionStream(new RangeReadStream(blob, entry.Offset, entry.EndOffset - entry.Offset)), entry.Size);
            }, sink);
        }
        var fromTarSplit = Digest.FromSha256Bytes(rebuilt.GetHashAndReset());

        Digest fromStream;
        using (var whole = LayerInput.OpenUncompressed(new RangeReadStream(blob, 0, blob.Length), out _))
            fromStream = Digest.Sha256Of(whole);
        DiffId = fromStream;
        if (fromTarSplit != fromStream)
            failures.Add($"DiffID: the tar rebuilt from tar-split ({fromTarSplit}) differs from the decompressed blob ({fromStream})");
        if (request.DiffId is { } expected && expected != fromStream)
            failures.Add($"DiffID: the decompressed blob is {fromStream}, expected {expected}");
    }
}
