using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Formats;

/// <summary>One TOC entry of a lazy layer with the compressed byte range a reader fetches for it.</summary>
/// <param name="Name">The entry name as the TOC spells it.</param>
/// <param name="Type">reg, chunk, dir, symlink, hardlink, … (<see cref="TocEntryTypes"/>).</param>
/// <param name="Offset">Start of the compressed range in the blob (0 when the entry has no payload).</param>
/// <param name="EndOffset">End (exclusive) of the compressed range (equal to <paramref name="Offset"/> when there is no payload).</param>
public sealed record TocRange(string Name, string Type, long Offset, long EndOffset);

/// <summary>A byte range of a blob.</summary>
/// <param name="Offset">Its first byte.</param>
/// <param name="EndOffset">Just past its last byte.</param>
public readonly record struct BlobRange(long Offset, long EndOffset)
{
    /// <summary>Its length in bytes.</summary>
    public long Length => EndOffset - Offset;
}

/// <summary>
/// What a lazy puller learns from a layer's TOC (<see cref="ILayerFormat.ReadToc"/>): every entry's compressed range (eStargz: a payload's
/// gzip member, up to the next member; zstd:chunked: the frames from the entry's offset to its end offset, chunks to the next chunk), the
/// ranges it fetches before any file, and the range it prefetches.
/// </summary>
/// <param name="Entries">The TOC entries in TOC order, with their ranges.</param>
/// <param name="TocOffset">Where the TOC starts in the blob.</param>
/// <param name="Metadata">The ranges fetched before any file: the TOC (with eStargz's footer) and zstd:chunked's tar-split.</param>
/// <param name="PrefetchEnd">The end of [0, PrefetchEnd), fetched in one request before any file (eStargz's prefetch landmark); 0 for none.</param>
public sealed record LayerToc(IReadOnlyList<TocRange> Entries, long TocOffset, IReadOnlyList<BlobRange> Metadata, long PrefetchEnd)
{
    /// <summary>Runs a format's TOC reading, turning what a malformed blob throws into CHB1301 naming <paramref name="format"/>.</summary>
    internal static LayerToc Read(string format, Func<LayerToc> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (MalformedLayerData.Is(e) && e is not ChunkedBuildException)
        {
            throw new ChunkedBuildException(ErrorCodes.ValidationFailed, $"cannot read the {format} TOC: {e.Message}", innerException: e);
        }
    }
}
