using System.IO.Compression;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>The TOC of an eStargz blob, read the way a lazy puller reads it: the footer, then the TOC member.</summary>
public sealed class EStargzTocView
{
    private readonly long[] _payloadStarts;

    /// <summary>Wraps a parsed TOC.</summary>
    /// <param name="tocOffset">Blob offset of the TOC member (what the footer says).</param>
    /// <param name="blobLength">The blob's length.</param>
    /// <param name="toc">The parsed TOC.</param>
    public EStargzTocView(long tocOffset, long blobLength, EStargzToc toc)
    {
        TocOffset = tocOffset;
        BlobLength = blobLength;
        Toc = toc;
        _payloadStarts = toc.Entries.Where(e => e.HasPayload && e.Offset > 0 && e.Offset < tocOffset).Select(e => e.Offset).Distinct().Order().ToArray();
    }

    /// <summary>Blob offset of the TOC member.</summary>
    public long TocOffset { get; }

    /// <summary>The blob's length.</summary>
    public long BlobLength { get; }

    /// <summary>The parsed TOC.</summary>
    public EStargzToc Toc { get; }

    /// <summary>Bytes of the TOC member and the footer: what a lazy puller fetches before any file.</summary>
    public long MetadataBytes => BlobLength - TocOffset;

    /// <summary>
    /// The end of the gzip member that starts at the payload offset <paramref name="offset"/>: the next payload member's start, or the
    /// TOC member's for the last one (formats.md §3.4: every payload piece starts its own member).
    /// </summary>
    public long MemberEnd(long offset)
    {
        var i = Array.BinarySearch(_payloadStarts, offset);
        i = i < 0 ? ~i : i + 1;
        return i < _payloadStarts.Length ? _payloadStarts[i] : TocOffset;
    }
}

/// <summary>Reads an eStargz blob's footer and TOC (no payload is decompressed).</summary>
public static class EStargzTocReader
{
    /// <summary>Reads the TOC of the seekable <paramref name="blob"/>; throws <see cref="FormatException"/> naming the broken rule.</summary>
    public static EStargzTocView Read(Stream blob)
    {
        if (blob.Length < EStargzFooter.Size) throw new FormatException($"the blob has {blob.Length} bytes, fewer than the {EStargzFooter.Size}-byte eStargz footer");
        var footer = RangeReadStream.ReadAll(blob, blob.Length - EStargzFooter.Size, EStargzFooter.Size);
        if (!EStargzFooter.TryParse(footer, out var tocOffset, out var error)) throw new FormatException($"the last {EStargzFooter.Size} bytes are not an eStargz footer: {error}");
        var memberLength = blob.Length - EStargzFooter.Size - tocOffset;
        if (tocOffset <= 0 || memberLength <= 0) throw new FormatException($"the footer's TOC offset {tocOffset} is not inside the blob");
        if (memberLength > EStargzValidation.MaxTocSize) throw new FormatException($"the TOC member is {memberLength} bytes, over the readers' 150 MiB limit");
        using var gzip = new GZipStream(new MemoryStream(RangeReadStream.ReadAll(blob, tocOffset, memberLength)), CompressionMode.Decompress);
        using var reader = new RawTarReader(gzip);
        if (reader.ReadNext() is not { } first || first.Info.Name != EStargzLandmark.TocName)
            throw new FormatException($"the member at {tocOffset} does not start with {EStargzLandmark.TocName}");
        if (first.Info.Size > EStargzValidation.MaxTocSize) throw new FormatException($"the TOC JSON is {first.Info.Size} bytes, over the readers' 150 MiB limit");
        var json = new byte[first.Info.Size];
        var got = 0;
        int n;
        while (got < json.Length && (n = reader.ReadData(json.AsSpan(got))) > 0) got += n;
        if (got < json.Length) throw new FormatException($"{EStargzLandmark.TocName} ends after {got} of its {json.Length} bytes");
        return new EStargzTocView(tocOffset, blob.Length, EStargzTocParser.Parse(json));
    }
}
