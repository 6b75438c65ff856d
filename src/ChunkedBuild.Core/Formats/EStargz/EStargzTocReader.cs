using System.IO.Compression;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// Reads an eStargz TOC as stargz-snapshotter's <c>estargz.Open</c> does (docs/formats.md §3.4, §3.8): the 51-byte footer, then the TOC member
/// from its offset to the footer, a tar whose first file is exactly <c>stargz.index.json</c>, within the readers' 150 MiB. The validator
/// reports each broken rule; <see cref="Read"/> throws on the first.
/// </summary>
internal static class EStargzTocReader
{
    /// <summary>What a lazy puller learns from the TOC of <paramref name="blob"/> (seekable).</summary>
    /// <exception cref="FormatException">The footer or the TOC breaks a rule; the message names it.</exception>
    public static LayerToc Read(Stream blob)
    {
        if (!TryReadFooter(blob, out var tocOffset, out var error)) throw new FormatException($"footer: {error}");
        if (!TryReadTocJson(blob, tocOffset, out var json, out error)) throw new FormatException($"TOC: {error}");
        var entries = EStargzTocParser.Parse(json).Entries;
        if (entries.FirstOrDefault(e => e.HasPayload && (e.Offset < 0 || e.Offset >= tocOffset)) is { } outside)
            throw new FormatException($"entry '{outside.Name}' has its payload at offset {outside.Offset}, outside the blob's payload members (0..{tocOffset})");
        // Members are laid out in TOC order: a payload's member ends where the next member (a larger offset) starts, or at the TOC.
        var starts = entries.Where(e => e.HasPayload).Select(e => e.Offset).Append(tocOffset).Distinct().Order().ToList();
        long End(long offset) => starts[starts.BinarySearch(offset) + 1];
        var ranges = entries.Select(e => e.HasPayload ? new TocRange(e.Name, e.Type, e.Offset, End(e.Offset)) : new TocRange(e.Name, e.Type, 0, 0)).ToList();
        // A lazy puller fetches [0, the prefetch landmark's member end) in one request, before any file.
        var prefetch = ranges.FirstOrDefault(r => r.EndOffset > r.Offset && EStargzTocEntry.CleanEntryName(r.Name) == EStargzSpec.PrefetchLandmark);
        return new LayerToc(ranges, tocOffset, [new BlobRange(tocOffset, blob.Length)], prefetch?.EndOffset ?? 0);
    }

    /// <summary>Reads the footer: the TOC member's offset, or false with the broken rule in <paramref name="error"/>.</summary>
    public static bool TryReadFooter(Stream blob, out long tocOffset, out string error)
    {
        tocOffset = 0;
        if (blob.Length < EStargzFooter.Size)
        {
            error = $"the blob has {blob.Length} bytes, fewer than the {EStargzFooter.Size}-byte eStargz footer";
            return false;
        }
        var footer = RangeReadStream.ReadAll(blob, blob.Length - EStargzFooter.Size, EStargzFooter.Size);
        if (!EStargzFooter.TryParse(footer, out tocOffset, out var rule))
        {
            error = $"the last {EStargzFooter.Size} bytes are not an eStargz footer: {rule}";
            return false;
        }
        if (tocOffset <= 0 || tocOffset >= blob.Length - EStargzFooter.Size)
        {
            error = $"TOC offset {tocOffset} is not inside the blob before the footer (0, {blob.Length - EStargzFooter.Size})";
            return false;
        }
        error = "";
        return true;
    }

    /// <summary>
    /// Reads the TOC JSON: the TOC member (one gzip member from <paramref name="tocOffset"/> to the footer) must hold a tar whose first file
    /// is <c>stargz.index.json</c>; false with the broken rule in <paramref name="error"/>.
    /// </summary>
    public static bool TryReadTocJson(Stream blob, long tocOffset, out byte[] json, out string error)
    {
        json = [];
        var memberLength = blob.Length - EStargzFooter.Size - tocOffset;
        if (memberLength > EStargzSpec.MaxTocSize)
            return Fail($"the TOC member is {memberLength} bytes, over the readers' 150 MiB limit", out error);
        var member = RangeReadStream.ReadAll(blob, tocOffset, memberLength);
        try
        {
            using var gzip = new GZipStream(new MemoryStream(member), CompressionMode.Decompress);
            using var reader = new RawTarReader(gzip);
            if (reader.ReadNext() is not { } first) return Fail($"the member at {tocOffset} holds no tar entry", out error);
            if (first.Info.Name != EStargzSpec.TocName)
                return Fail($"the first tar entry of the member at {tocOffset} is '{first.Info.Name}', expected '{EStargzSpec.TocName}'", out error);
            if (first.Info.Size > EStargzSpec.MaxTocSize) return Fail($"the TOC JSON is {first.Info.Size} bytes, over the readers' 150 MiB limit", out error);
            var bytes = new byte[first.Info.Size];
            var got = 0;
            int n;
            while (got < bytes.Length && (n = reader.ReadData(bytes.AsSpan(got))) > 0) got += n;
            if (got < bytes.Length) return Fail($"{EStargzSpec.TocName} ends after {got} of its {bytes.Length} bytes", out error);
            json = bytes;
            error = "";
            return true;
        }
        catch (InvalidDataException e)
        {
            return Fail($"the member at {tocOffset} does not decompress: {e.Message}", out error);
        }
    }

    private static bool Fail(string rule, out string error)
    {
        error = rule;
        return false;
    }
}
