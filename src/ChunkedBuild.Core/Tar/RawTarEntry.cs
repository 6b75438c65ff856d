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

    /// <summary>The number of zero bytes that pad this entry's payload to a 512-byte boundary.</summary>
    public int PaddingLength => (int)((512 - (Info.Size % 512)) % 512);
}
