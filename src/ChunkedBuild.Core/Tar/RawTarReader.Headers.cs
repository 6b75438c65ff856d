using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

// Header side of the reader: walking the header blocks of one entry while keeping every byte of them.
public sealed partial class RawTarReader
{
    private const int EndMarkerLength = 2 * TarHeaderBlock.Size;

    // The raw bytes of the entry being read (previous padding + all its header blocks); reused between entries.
    private byte[] _raw = new byte[4 * TarHeaderBlock.Size];
    private int _rawLength;

    /// <summary>
    /// Advances to the next entry, first skipping whatever payload of the current entry was not read (the skipped
    /// bytes are still accounted). Returns null at the end-of-archive marker (or at a clean end of input).
    /// </summary>
    /// <remarks>
    /// A clean end of input means: exactly at a header block boundary, inside the padding after a payload or
    /// extension record, or after a single zero block. Those are what Go's reader treats as the end too; the missing
    /// zero bytes are then supplied in <see cref="EndOfArchive"/>. An end inside a header block, a payload or an
    /// extension record is CHB1001.
    /// </remarks>
    public RawTarEntry? ReadNext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_state == ReaderState.Ended) return null;
        if (_payloadRemaining > 0)
        {
            _payloadRemaining -= Skip(_payloadRemaining);
            if (_payloadRemaining > 0) throw TruncatedPayload();
        }

        _rawLength = 0;
        var padding = _pendingPadding;
        _pendingPadding = 0;
        if (padding > 0)
        {
            var got = AppendRaw(padding, _position);
            if (got < padding) return EndOfInput(padding - got + EndMarkerLength);
        }

        var headerOffset = _position;
        List<PaxRecord>? pax = null;
        byte[]? longName = null, longLink = null;
        while (true)
        {
            var blockOffset = _position;
            var blockStart = _rawLength;
            var got = AppendRaw(TarHeaderBlock.Size, headerOffset);
            if (got == 0) return EndOfInput(EndMarkerLength);
            if (got < TarHeaderBlock.Size) throw Truncated(blockOffset, "inside a header block");
            if (RawSpan(blockStart, TarHeaderBlock.Size).IndexOfAnyExcept((byte)0) < 0)
                return ReadSecondZeroBlock();

            var header = TarHeaderParser.TryParse(RawSpan(blockStart, TarHeaderBlock.Size), out var error)
                ?? throw new ChunkedBuildException(ErrorCodes.TarCorruptHeader, $"corrupt tar header at offset {blockOffset}: {error}");
            switch (header.TypeFlag)
            {
                case TarTypeFlag.PaxExtended:
                case TarTypeFlag.PaxGlobal:
                {
                    var data = ReadExtensionRecord(header, blockOffset, headerOffset, "PAX extended header");
                    var records = PaxRecordParser.TryParse(data, out var paxError)
                        ?? throw new ChunkedBuildException(ErrorCodes.TarBadPaxRecord,
                            $"malformed PAX extended header at offset {blockOffset}: {paxError}");
                    if (header.TypeFlag == TarTypeFlag.PaxGlobal)
                        return GlobalHeaderEntry(header, records, padding, headerOffset, blockOffset);
                    pax = records;
                    break;
                }
                case TarTypeFlag.GnuLongName:
                case TarTypeFlag.GnuLongLink:
                {
                    var data = ReadExtensionRecord(header, blockOffset, headerOffset, "GNU long name record");
                    var value = TarFieldParser.CString(data).ToArray();
                    if (header.TypeFlag == TarTypeFlag.GnuLongName) longName = value;
                    else longLink = value;
                    break;
                }
                default:
                    return MainHeaderEntry(header, blockStart, blockOffset, headerOffset, padding, pax, longName, longLink);
            }

            // The padding of an extension record belongs to the same entry.
            var recordPadding = PaddingFor(header.Size);
            var gotPadding = AppendRaw(recordPadding, headerOffset);
            if (gotPadding < recordPadding) return EndOfInput(recordPadding - gotPadding + EndMarkerLength);
        }
    }

    private RawTarEntry MainHeaderEntry(ParsedHeader header, int blockStart, long blockOffset, long headerOffset, int precedingPadding,
        List<PaxRecord>? pax, byte[]? longName, byte[]? longLink)
    {
        long? realSize = null;
        if (header.TypeFlag == TarTypeFlag.GnuSparse) realSize = ReadOldGnuSparseHeaders(header, blockStart, blockOffset, headerOffset);

        var (info, payloadLength) = TarEntryInfoBuilder.Build(header, pax, longName, longLink, realSize, headerOffset);
        if (payloadLength > _limits.MaxEntrySize || info.Size > _limits.MaxEntrySize)
            throw new ChunkedBuildException(ErrorCodes.TarAbsurdSize,
                $"tar entry '{info.Name}' at offset {headerOffset} has size {Math.Max(payloadLength, info.Size)}, above the limit of {_limits.MaxEntrySize} bytes",
                info.Name);

        _currentName = info.Name;
        _payloadRemaining = payloadLength;
        _pendingPadding = PaddingFor(payloadLength);
        return NewEntry(info, precedingPadding, headerOffset, payloadLength, _pendingPadding);
    }

    /// <summary>
    /// Go returns a PAX global header as an entry of its own (name, typeflag and records only); the padding of its
    /// record data is read with the next entry, like a file's padding.
    /// </summary>
    private RawTarEntry GlobalHeaderEntry(ParsedHeader header, List<PaxRecord> records, int precedingPadding, long headerOffset, long blockOffset)
    {
        var (merged, _) = TarEntryInfoBuilder.Build(header, records, null, null, null, blockOffset);
        var info = new TarEntryInfo
        {
            Name = merged.Name,
            NameBytes = merged.NameBytes,
            NameIsUtf8 = merged.NameIsUtf8,
            TypeFlag = TarTypeFlag.PaxGlobal,
            Xattrs = merged.Xattrs,
            PaxRecords = merged.PaxRecords,
        };
        _currentName = info.Name;
        _payloadRemaining = 0;
        _pendingPadding = PaddingFor(header.Size);
        return NewEntry(info, precedingPadding, headerOffset, 0, _pendingPadding);
    }

    private RawTarEntry NewEntry(TarEntryInfo info, int precedingPadding, long headerOffset, long payloadLength, int paddingLength) => new()
    {
        Info = info,
        RawPrefix = _raw.AsSpan(0, _rawLength).ToArray(),
        PrecedingPaddingLength = precedingPadding,
        HeaderOffset = headerOffset,
        DataOffset = _position,
        Index = _entryCount++,
        PayloadLength = payloadLength,
        PaddingLength = paddingLength,
    };

    /// <summary>Old GNU sparse ('S'): requires the GNU layout, reads the real size and keeps the extension blocks.</summary>
    private long ReadOldGnuSparseHeaders(ParsedHeader header, int blockStart, long blockOffset, long headerOffset)
    {
        if (header.Layout != TarHeaderLayout.Gnu)
            throw new ChunkedBuildException(ErrorCodes.TarCorruptHeader,
                $"corrupt tar header at offset {blockOffset}: GNU sparse typeflag 'S' in a non-GNU header");
        var parser = new TarFieldParser();
        var realSize = parser.Numeric(RawSpan(blockStart, TarHeaderBlock.Size)[TarHeaderBlock.GnuRealSize]);
        if (parser.Failed)
            throw new ChunkedBuildException(ErrorCodes.TarCorruptHeader, $"corrupt tar header at offset {blockOffset}: bad GNU sparse real size");
        var extended = RawSpan(blockStart, TarHeaderBlock.Size)[TarHeaderBlock.GnuIsExtended] != 0;
        while (extended)
        {
            var extensionOffset = _position;
            var extensionStart = _rawLength;
            if (AppendRaw(TarHeaderBlock.Size, headerOffset) < TarHeaderBlock.Size)
                throw Truncated(extensionOffset, "inside a GNU sparse extension block");
            extended = RawSpan(extensionStart, TarHeaderBlock.Size)[TarHeaderBlock.SparseExtensionIsExtended] != 0;
        }
        return realSize;
    }

    /// <summary>Reads the data of a PAX or GNU long-name record (bounded by the limits) into the raw bytes and returns it.</summary>
    private ReadOnlySpan<byte> ReadExtensionRecord(ParsedHeader header, long blockOffset, long headerOffset, string what)
    {
        if (header.Size < 0 || header.Size > _limits.MaxExtensionRecordSize)
            throw new ChunkedBuildException(ErrorCodes.TarAbsurdSize,
                $"{what} at offset {blockOffset} has size {header.Size}, outside 0..{_limits.MaxExtensionRecordSize}");
        var size = (int)header.Size;
        var start = _rawLength;
        if (AppendRaw(size, headerOffset) < size) throw Truncated(blockOffset + TarHeaderBlock.Size, $"inside the data of the {what} at offset {blockOffset}");
        return RawSpan(start, size);
    }

    /// <summary>After one zero block: a second one ends the archive; end of input synthesizes it; anything else is CHB1005.</summary>
    private RawTarEntry? ReadSecondZeroBlock()
    {
        var blockOffset = _position;
        var blockStart = _rawLength;
        var got = AppendRaw(TarHeaderBlock.Size, blockOffset);
        if (got == 0) return EndOfInput(TarHeaderBlock.Size);
        if (got < TarHeaderBlock.Size) throw Truncated(blockOffset, "inside the end-of-archive marker");
        if (RawSpan(blockStart, TarHeaderBlock.Size).IndexOfAnyExcept((byte)0) < 0) return EndOfInput(0);
        throw new ChunkedBuildException(ErrorCodes.TarBadEndMarker,
            $"the zero block at offset {blockOffset - TarHeaderBlock.Size} is followed by a non-zero block at offset {blockOffset}");
    }

    /// <summary>Ends the archive: the end segment is the raw bytes so far plus <paramref name="missing"/> synthesized zeros.</summary>
    private RawTarEntry? EndOfInput(int missing)
    {
        var end = new byte[_rawLength + missing];
        _raw.AsSpan(0, _rawLength).CopyTo(end);
        _endOfArchive = end;
        _endOfArchiveSynthesized = missing > 0;
        _synthesizedLength = missing;
        _state = ReaderState.Ended;
        _currentName = null;
        return null;
    }

    /// <summary>Appends up to <paramref name="count"/> input bytes to the raw buffer; fewer only at end of input.</summary>
    private int AppendRaw(int count, long headerOffset)
    {
        var needed = (long)_rawLength + count;
        if (needed > _limits.MaxEntryHeaderBytes + (long)TarHeaderBlock.Size * 2)
            throw new ChunkedBuildException(ErrorCodes.TarAbsurdSize,
                $"the headers of the tar entry at offset {headerOffset} exceed {_limits.MaxEntryHeaderBytes} bytes");
        if (needed > _raw.Length) Array.Resize(ref _raw, (int)Math.Max(needed, Math.Min(2L * _raw.Length, int.MaxValue)));
        var got = ReadFully(_raw.AsSpan(_rawLength, count));
        _rawLength += got;
        return got;
    }

    private ReadOnlySpan<byte> RawSpan(int start, int length) => _raw.AsSpan(start, length);

    private static int PaddingFor(long size) => (int)((TarHeaderBlock.Size - (size % TarHeaderBlock.Size)) % TarHeaderBlock.Size);

    private ChunkedBuildException Truncated(long offset, string where) =>
        new(ErrorCodes.TarTruncated, $"the tar stream ends at offset {_position} {where} (block at offset {offset})");
}
