using ChunkedBuild.Core.IO;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// Reads a zstd:chunked TOC as a current containers/storage does (docs/formats.md §1.7, §2.3): at the <c>manifest-position</c> the
/// annotations give, within the readers' 150 MiB, zstd-decompressed and parsed as <c>unmarshalToc</c> does. The footer is read only for a
/// blob without annotations (it makes the blob self-describing). The validator checks each step against its rule; <see cref="Read"/> throws on
/// the first that fails.
/// </summary>
internal static class ZstdChunkedTocReader
{
    /// <summary>What a lazy puller learns from the TOC of <paramref name="blob"/> (seekable) described by <paramref name="annotations"/>.</summary>
    /// <exception cref="FormatException">The annotations or the TOC break a rule; the message names it.</exception>
    public static LayerToc Read(Stream blob, IReadOnlyDictionary<string, string>? annotations)
    {
        var (position, toc) = ReadParsed(blob, annotations);
        var entries = toc.Entries;
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
        // Before any file a partial puller fetches the TOC and the tar-split frames' payloads.
        var metadata = new List<BlobRange> { new(position.Offset, position.Offset + position.CompressedLength) };
        if (ZstdChunkedPosition.TryParseTarSplitPosition(annotations?.GetValueOrDefault(ZstdChunkedSpec.TarSplitPositionAnnotation)) is { } tarSplit)
            metadata.Add(new BlobRange(tarSplit.Offset, tarSplit.Offset + tarSplit.CompressedLength));
        return new LayerToc(ranges, position.Offset, metadata, 0);
    }

    /// <summary>The TOC of <paramref name="blob"/> at the <c>manifest-position</c> of <paramref name="annotations"/>, parsed, with that position.</summary>
    /// <exception cref="FormatException">The annotation is missing or malformed, or the TOC is over the limit or malformed.</exception>
    public static (ZstdChunkedPosition Position, ZstdChunkedToc Toc) ReadParsed(Stream blob, IReadOnlyDictionary<string, string>? annotations)
    {
        var position = ZstdChunkedPosition.TryParseManifestPosition(annotations?.GetValueOrDefault(ZstdChunkedSpec.ManifestPositionAnnotation))
            ?? throw new FormatException($"the '{ZstdChunkedSpec.ManifestPositionAnnotation}' annotation is missing or malformed");
        if (!IsWithinLimit(position)) throw new FormatException($"the TOC's {Math.Max(position.CompressedLength, position.UncompressedLength)} bytes exceed the readers' 150 MiB limit");
        return (position, ZstdChunkedTocParser.Parse(Decompress(RangeReadStream.ReadAll(blob, position.Offset, position.CompressedLength))));
    }

    /// <summary>Whether a TOC at <paramref name="position"/> is within the readers' limit, compressed and decompressed.</summary>
    public static bool IsWithinLimit(ZstdChunkedPosition position) =>
        position.CompressedLength <= ZstdChunkedSpec.MaxTocSize && position.UncompressedLength <= ZstdChunkedSpec.MaxTocSize;

    /// <summary>The footer frame at the end of <paramref name="blob"/>, or null when the blob does not end with one.</summary>
    public static ZstdChunkedFooter? ReadFooter(Stream blob)
    {
        if (blob.Length < ZstdChunkedFooter.FrameLength) return null;
        return ZstdChunkedFooter.TryParseFrame(RangeReadStream.ReadAll(blob, blob.Length - ZstdChunkedFooter.FrameLength, ZstdChunkedFooter.FrameLength));
    }

    /// <summary>Decompresses a skippable frame's payload (the TOC or the tar-split: zstd frames).</summary>
    public static byte[] Decompress(byte[] compressed)
    {
        using var input = new ZstdSharp.DecompressionStream(new MemoryStream(compressed));
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>The end offset of the file a chunk belongs to (the nearest preceding reg entry's end offset).</summary>
    private static long LastEnd(IReadOnlyList<ZstdChunkedTocEntry> entries, int chunk)
    {
        for (var i = chunk; i >= 0; i--)
            if (entries[i].Type == TocEntryTypes.Regular) return entries[i].EndOffset;
        return 0;
    }
}
