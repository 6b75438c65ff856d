using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>The metadata of a zstd:chunked blob: where the TOC and tar-split frames sit, and the parsed TOC.</summary>
/// <param name="Toc">The TOC frame's position.</param>
/// <param name="TarSplit">The tar-split frame's position.</param>
/// <param name="Entries">The TOC entries.</param>
public sealed record ZstdChunkedTocView(ZstdChunkedPosition Toc, ZstdChunkedPosition TarSplit, IReadOnlyList<TocEntry> Entries)
{
    /// <summary>Compressed bytes of the TOC and tar-split frames: what a partial puller fetches before any file.</summary>
    public long MetadataBytes => Toc.CompressedLength + TarSplit.CompressedLength;
}

/// <summary>Reads a zstd:chunked blob's TOC from the positions its layer annotations (or, without them, its footer) give.</summary>
public static class ZstdChunkedTocReader
{
    /// <summary>Reads the TOC of the seekable <paramref name="blob"/>; throws <see cref="FormatException"/> naming the broken rule.</summary>
    public static ZstdChunkedTocView Read(Stream blob, IReadOnlyDictionary<string, string>? annotations)
    {
        ZstdChunkedFooter? footer = blob.Length >= ZstdChunkedFooter.FrameLength
            ? ZstdChunkedFooter.TryParseFrame(RangeReadStream.ReadAll(blob, blob.Length - ZstdChunkedFooter.FrameLength, ZstdChunkedFooter.FrameLength))
            : null;
        var toc = ZstdChunkedPosition.TryParseManifestPosition(annotations?.GetValueOrDefault(Annotations.ZstdChunkedManifestPosition)) ?? footer?.Toc
            ?? throw new FormatException($"neither the '{Annotations.ZstdChunkedManifestPosition}' annotation nor a GNUlInUx footer gives the TOC position");
        var tarSplit = ZstdChunkedPosition.TryParseTarSplitPosition(annotations?.GetValueOrDefault(Annotations.ZstdChunkedTarSplitPosition)) ?? footer?.TarSplit
            ?? throw new FormatException($"neither the '{Annotations.ZstdChunkedTarSplitPosition}' annotation nor a GNUlInUx footer gives the tar-split position");
        if (toc.Offset < 0 || toc.CompressedLength <= 0 || toc.Offset + toc.CompressedLength > blob.Length)
            throw new FormatException($"the TOC frame {toc.ToManifestPosition()} is not inside the {blob.Length}-byte blob");
        if (toc.CompressedLength > ZstdChunkedValidator.MaxTocSize) throw new FormatException($"the TOC frame is {toc.CompressedLength} bytes, over the readers' 150 MiB limit");
        using var input = new ZstdSharp.DecompressionStream(new MemoryStream(RangeReadStream.ReadAll(blob, toc.Offset, toc.CompressedLength)));
        using var json = new MemoryStream();
        input.CopyTo(json);
        return new ZstdChunkedTocView(toc, tarSplit, TocParser.Parse(json.ToArray()).Entries);
    }
}
