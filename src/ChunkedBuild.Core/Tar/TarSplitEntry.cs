namespace ChunkedBuild.Core.Tar;

/// <summary>One line of a tar-split stream (vbatts/tar-split <c>storage.Entry</c>).</summary>
/// <param name="Type">1 = file (<see cref="FileType"/>), 2 = segment (<see cref="SegmentType"/>).</param>
/// <param name="Name">File lines: the entry name when it is valid UTF-8.</param>
/// <param name="NameRaw">File lines: the raw name bytes when they are not valid UTF-8.</param>
/// <param name="Size">File lines: the header size.</param>
/// <param name="Payload">Segment lines: the raw bytes. File lines: the 8-byte big-endian CRC-64, or null when size is 0.</param>
/// <param name="Position">The line number (0-based), informational.</param>
public sealed record TarSplitEntry(int Type, string? Name, byte[]? NameRaw, long Size, byte[]? Payload, long Position)
{
    /// <summary>tar-split's FileType.</summary>
    public const int FileType = 1;
    /// <summary>tar-split's SegmentType.</summary>
    public const int SegmentType = 2;
}
