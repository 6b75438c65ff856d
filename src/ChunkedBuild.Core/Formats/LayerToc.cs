using System.IO.Compression;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats;

/// <summary>One TOC entry of a lazy layer with the compressed byte range a reader fetches for it.</summary>
/// <param name="Name">The entry name as the TOC spells it.</param>
/// <param name="Type">reg, chunk, dir, symlink, hardlink, …</param>
/// <param name="Offset">Start of the compressed range in the blob (0 when the entry has no payload).</param>
/// <param name="EndOffset">End (exclusive) of the compressed range (equal to <paramref name="Offset"/> when there is no payload).</param>
public sealed record TocRange(string Name, string Type, long Offset, long EndOffset);

/// <summary>
/// Reads just the TOC of an eStargz or zstd:chunked blob (footer, TOC member or frame) and gives every entry's compressed byte range:
/// what a lazy puller fetches for it. For eStargz a payload's range is its gzip member (up to the next member); for zstd:chunked it is the
/// frames from the entry's offset to its end offset (chunks: to the next chunk).
/// </summary>
public static class LayerToc
{
    /// <summary>The TOC entries of <paramref name="blob"/> (seekable) in TOC order, with their ranges, plus the TOC's own start offset.</summary>
    /// <exception cref="ChunkedBuildException">CHB1301 when the TOC cannot be read.</exception>
    public static (IReadOnlyList<TocRange> Entries, long TocOffset) Read(Stream blob, string format, IReadOnlyDictionary<string, string>? annotations)
    {
        try
        {
            return format == EStargzSpec.Name ? ReadEStargz(blob) : ReadZstdChunked(blob, annotations);
        }
        catch (Exception e) when (MalformedLayerData.Is(e) && e is not ChunkedBuildException)
        {
            throw new ChunkedBuildException(ErrorCodes.ValidationFailed, $"cannot read the {format} TOC: {e.Message}", innerException: e);
        }
    }

    private static (IReadOnlyList<TocRange>, long) ReadEStargz(Stream blob)
    {
        var footer = RangeReadStream.ReadAll(blob, blob.Length - EStargzFooter.Size, EStargzFooter.Size);
        if (!EStargzFooter.TryParse(footer, out var tocOffset, out var error)) throw new FormatException($"footer: {error}");
        var member = RangeReadStream.ReadAll(blob, tocOffset, blob.Length - EStargzFooter.Size - tocOffset);
        using var gzip = new GZipStream(new MemoryStream(member), CompressionMode.Decompress);
        using var reader = new RawTarReader(gzip);
        if (reader.ReadNext() is not { } first || !EStargzLandmark.IsToc(first.Info.Name)) throw new FormatException("the TOC member does not start with stargz.index.json");
        if (first.Info.Size > EStargzSpec.MaxTocSize) throw new FormatException($"the TOC is {first.Info.Size} bytes, more than the readers' 150 MiB");
        var json = new byte[first.Info.Size];
        var got = 0;
        int n;
        while (got < json.Length && (n = reader.ReadData(json.AsSpan(got))) > 0) got += n;
        var entries = EStargzTocParser.Parse(json).Entries;
        if (entries.FirstOrDefault(e => HasPayload(e) && (e.Offset < 0 || e.Offset >= tocOffset)) is { } outside)
            throw new FormatException($"entry '{outside.Name}' has its payload at offset {outside.Offset}, outside the blob's payload members (0..{tocOffset})");
        // Members are laid out in TOC order: a payload's member ends where the next member (a larger offset) starts, or at the TOC.
        var starts = entries.Where(HasPayload).Select(e => e.Offset).Append(tocOffset).Distinct().Order().ToList();
        long End(long offset) => starts[starts.BinarySearch(offset) + 1];
        return (entries.Select(e => HasPayload(e) ? new TocRange(e.Name, e.Type, e.Offset, End(e.Offset)) : new TocRange(e.Name, e.Type, 0, 0)).ToList(), tocOffset);

        static bool HasPayload(EStargzTocEntry e) => e.Type is TocEntryTypes.Regular or TocEntryTypes.Chunk && e.Size > 0 || e.Type == TocEntryTypes.Chunk;
    }

    private static (IReadOnlyList<TocRange>, long) ReadZstdChunked(Stream blob, IReadOnlyDictionary<string, string>? annotations)
    {
        var position = ZstdChunkedPosition.TryParseManifestPosition(annotations?.GetValueOrDefault(ZstdChunkedSpec.ManifestPositionAnnotation))
            ?? throw new FormatException($"the '{ZstdChunkedSpec.ManifestPositionAnnotation}' annotation is missing or malformed");
        var compressed = RangeReadStream.ReadAll(blob, position.Offset, position.CompressedLength);
        using var zstd = new ZstdSharp.DecompressionStream(new MemoryStream(compressed));
        using var json = new MemoryStream();
        zstd.CopyTo(json);
        var entries = ZstdChunkedTocParser.Parse(json.ToArray()).Entries;
        var ranges = new List<TocRange>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Type == TocEntryTypes.Regular && e.Size > 0 || e.Type == TocEntryTypes.Chunk)
            {
                // A file's first frame runs to the next chunk's offset when the file is chunked, else to its end offset.
                var end = i + 1 < entries.Count && entries[i + 1].Type == TocEntryTypes.Chunk ? entries[i + 1].Offset : e.EndOffset;
                if (e.Type == TocEntryTypes.Chunk && end == 0) end = LastEnd(entries, i);
                ranges.Add(new TocRange(e.Name, e.Type, e.Offset, Math.Max(end, e.Offset)));
            }
            else
            {
                ranges.Add(new TocRange(e.Name, e.Type, 0, 0));
            }
        }
        return (ranges, position.Offset);
    }

    /// <summary>The end offset of the file a chunk belongs to (the nearest preceding reg entry's end offset).</summary>
    private static long LastEnd(IReadOnlyList<ZstdChunkedTocEntry> entries, int chunk)
    {
        for (var i = chunk; i >= 0; i--)
            if (entries[i].Type == TocEntryTypes.Regular) return entries[i].EndOffset;
        return 0;
    }
}
