namespace ChunkedBuild.Core.Tar;

/// <summary>
/// One entry of a tar stream with its exact bytes. <see cref="RawPrefix"/> is precisely what tar-split stores as the
/// segment before this entry's file line: the padding left over from the previous entry's payload, followed by all
/// header blocks of this entry (PAX 'x' header + data blocks, GNU 'L'/'K' blocks + data, the ustar/GNU header).
/// </summary>
public sealed class RawTarEntry
{
    /// <summary>The parsed header.</summary>
    public required TarEntryInfo Info { get; init; }
    /// <summary>Previous entry's padding + every header block of this entry, byte for byte.</summary>
    public required ReadOnlyMemory<byte> RawPrefix { get; init; }
    /// <summary>How many bytes at the start of <see cref="RawPrefix"/> are the previous entry's padding (0..511).</summary>
    public required int PrecedingPaddingLength { get; init; }
    /// <summary>Offset in the tar stream of this entry's first header block.</summary>
    public required long HeaderOffset { get; init; }
    /// <summary>Offset in the tar stream of the first payload byte (= end of <see cref="RawPrefix"/>).</summary>
    public required long DataOffset { get; init; }
    /// <summary>Zero-based index of the entry in the stream.</summary>
    public required int Index { get; init; }

    /// <summary>The header blocks only (without the previous entry's padding).</summary>
    public ReadOnlyMemory<byte> HeaderBytes => RawPrefix[PrecedingPaddingLength..];

    private readonly long? _payloadLength;
    private readonly int? _paddingLength;

    /// <summary>
    /// The number of payload bytes that follow the header in the stream (what <see cref="RawTarReader.ReadData"/> yields).
    /// Equals <see cref="TarEntryInfo.Size"/> except for header-only types (always 0, whatever the size field says, as in
    /// Go's archive/tar), GNU sparse entries (the physical size; Info.Size is the logical one) and PAX global headers.
    /// <see cref="RawTarReader"/> always sets it; when not set it is derived from <see cref="Info"/>.
    /// </summary>
    public long PayloadLength
    {
        get => _payloadLength ?? (Info.IsHeaderOnlyType ? 0 : Info.Size);
        init => _payloadLength = value;
    }

    /// <summary>
    /// The number of bytes that pad this entry's payload to a 512-byte boundary (Go's <c>ExpectedPadding</c>); they are
    /// the start of the next entry's <see cref="RawPrefix"/> (or of the end-of-archive segment). Derived from
    /// <see cref="PayloadLength"/> unless set (the reader sets it for PAX global headers, whose record data it pads).
    /// </summary>
    public int PaddingLength
    {
        get => _paddingLength ?? (int)((512 - (PayloadLength % 512)) % 512);
        init => _paddingLength = value;
    }
}
