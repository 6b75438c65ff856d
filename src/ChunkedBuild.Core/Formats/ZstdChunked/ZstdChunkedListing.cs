using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// The tar entries of a zstd:chunked blob read from its metadata alone (docs/formats.md §2): every header from the tar-split, and each
/// regular file's frames from the TOC, so one file can be read without decompressing the rest. Meant for a blob its validator accepted:
/// then the tar-split and TOC are proven to describe the blob's decompressed stream.
/// </summary>
internal sealed class ZstdChunkedListing : IBlobTarListing
{
    private readonly Dictionary<string, ZstdChunkedTocEntry> _files;

    private ZstdChunkedListing(IReadOnlyList<TarEntryInfo> headers, Dictionary<string, ZstdChunkedTocEntry> files)
    {
        Headers = headers;
        _files = files;
    }

    /// <inheritdoc />
    public IReadOnlyList<TarEntryInfo> Headers { get; }

    /// <summary>Reads the TOC and tar-split at the positions <paramref name="annotations"/> give.</summary>
    /// <exception cref="FormatException">The annotations or metadata are malformed.</exception>
    public static ZstdChunkedListing Read(Stream blob, IReadOnlyDictionary<string, string> annotations)
    {
        var (_, toc) = ZstdChunkedTocReader.ReadParsed(blob, annotations);
        var position = ZstdChunkedPosition.TryParseTarSplitPosition(annotations.GetValueOrDefault(ZstdChunkedSpec.TarSplitPositionAnnotation))
            ?? throw new FormatException($"the '{ZstdChunkedSpec.TarSplitPositionAnnotation}' annotation is missing or malformed");
        var tarSplit = ZstdChunkedTocReader.Decompress(RangeReadStream.ReadAll(blob, position.Offset, position.CompressedLength));
        var headers = TarSplitHeaders.Iterate(TarSplitReader.Read(new MemoryStream(tarSplit))).Select(h => h.Header).ToList();
        var files = new Dictionary<string, ZstdChunkedTocEntry>(StringComparer.Ordinal);
        foreach (var entry in toc.Entries.Where(e => e.Type == TocEntryTypes.Regular && e.Size > 0)) files.TryAdd(entry.Name, entry);
        return new ZstdChunkedListing(headers, files);
    }

    /// <inheritdoc />
    /// <remarks>Decoded from the file's frames the TOC names.</remarks>
    public byte[] ReadFile(Stream blob, string name)
    {
        if (!_files.TryGetValue(name, out var entry)) return [];
        using var frames = new ZstdSharp.DecompressionStream(new RangeReadStream(blob, entry.Offset, entry.EndOffset - entry.Offset), checkEndOfStream: true, leaveOpen: false);
        var content = new byte[entry.Size];
        frames.ReadExactly(content);
        return content;
    }
}
