using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// A byte-exact, forward-only tar reader. Unlike System.Formats.Tar it never re-encodes anything: every entry comes
/// with the exact bytes that preceded its payload, and after the last entry the end-of-archive blocks and every byte
/// after them are available. Handles ustar, PAX ('x'), GNU ('L', 'K', base-256 numbers, atime/ctime) and old-GNU headers.
/// Errors are <see cref="ChunkedBuildException"/> with codes CHB1001..CHB1005 naming the offset.
/// </summary>
public sealed class RawTarReader : IDisposable
{
    private const int BlockSize = 512;
    private const int BufferSize = 1 << 16;

    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private readonly TarReaderLimits _limits;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _bufferStart;
    private int _bufferEnd;
    private long _position;
    private long _payloadLeft;     // unread payload bytes of the current entry
    private int _pendingPadding;   // padding after the current entry's payload, not yet consumed
    private int _index;
    private bool _ended;
    private byte[]? _endOfArchive;
    private bool _synthesized;

    /// <summary>Creates a reader over <paramref name="input"/> (read sequentially, never seeked).</summary>
    public RawTarReader(Stream input, bool leaveOpen = false, TarReaderLimits? limits = null)
    {
        _input = input;
        _leaveOpen = leaveOpen;
        _limits = limits ?? new TarReaderLimits();
    }

    /// <summary>Bytes consumed from the input so far.</summary>
    public long Position => _position;

    /// <summary>
    /// Advances to the next entry, first skipping whatever payload of the current entry was not read (the skipped
    /// bytes are still accounted). Returns null at the end-of-archive marker (or at a clean end of input).
    /// </summary>
    public RawTarEntry? ReadNext()
    {
        if (_ended) return null;
        SkipPayload();
        var prefix = new MemoryStream();
        var paddingRead = ReadUpTo(_pendingPadding, prefix);
        if (paddingRead < _pendingPadding)
        {
            // The input stops inside the last padding: complete it and the end marker (a normalized tar).
            prefix.Write(new byte[_pendingPadding - paddingRead]);
            return End(prefix, synthesized: 2 * BlockSize);
        }
        var paddingLength = _pendingPadding;
        _pendingPadding = 0;
        var headerOffset = _position;
        PaxState pax = new();
        while (true)
        {
            var blockOffset = _position;
            var block = new byte[BlockSize];
            var got = ReadUpTo(block);
            if (got == 0) return End(prefix, synthesized: 2 * BlockSize, pendingExtension: pax.HasAny);
            if (got < BlockSize) throw Truncated(blockOffset + got, "inside a header block");
            if (!block.AsSpan().ContainsAnyExcept((byte)0))
            {
                if (pax.HasAny) throw Corrupt(blockOffset, "an extended header is followed by the end-of-archive marker instead of its entry");
                prefix.Write(block);
                var second = new byte[BlockSize];
                var got2 = ReadUpTo(second);
                if (got2 == 0) return End(prefix, synthesized: BlockSize);
                if (got2 < BlockSize || second.AsSpan().ContainsAnyExcept((byte)0))
                    throw new ChunkedBuildException(ErrorCodes.TarBadEndMarker,
                        $"tar offset {blockOffset + BlockSize}: a zero block is followed by a non-zero block (broken end-of-archive marker)");
                prefix.Write(second);
                return End(prefix, synthesized: 0);
            }
            var header = TarHeaderParser.ParseBlock(block, blockOffset);
            prefix.Write(block);
            switch (header.TypeFlag)
            {
                case TarTypeFlag.PaxExtended:
                    pax.Merge(PaxRecords.Parse(ReadExtension(header, prefix, blockOffset), blockOffset));
                    continue;
                case TarTypeFlag.GnuLongName:
                    pax.GnuLongName = TarNumbers.CString(ReadExtension(header, prefix, blockOffset)).ToArray();
                    continue;
                case TarTypeFlag.GnuLongLink:
                    pax.GnuLongLink = TarNumbers.CString(ReadExtension(header, prefix, blockOffset)).ToArray();
                    continue;
            }
            var info = TarHeaderParser.Complete(header, pax, blockOffset);
            if (info.Size < 0 || info.Size > _limits.MaxEntrySize)
                throw new ChunkedBuildException(ErrorCodes.TarAbsurdSize,
                    $"tar offset {blockOffset}: entry '{info.Name}' declares {info.Size} payload bytes (limit {_limits.MaxEntrySize})", info.Name);
            var payload = info.IsHeaderOnlyType ? 0 : info.Size; // Go's archive/tar reads no payload for header-only types
            _payloadLeft = payload;
            _pendingPadding = (int)((BlockSize - payload % BlockSize) % BlockSize);
            var raw = prefix.ToArray();
            return new RawTarEntry
            {
                Info = info,
                RawPrefix = raw,
                PrecedingPaddingLength = paddingLength,
                HeaderOffset = headerOffset,
                DataOffset = _position,
                Index = _index++,
            };
        }
    }

    /// <summary>Reads payload bytes of the current entry; returns 0 when the payload is exhausted.</summary>
    public int ReadData(Span<byte> buffer)
    {
        if (_payloadLeft <= 0 || buffer.IsEmpty) return 0;
        if (buffer.Length > _payloadLeft) buffer = buffer[..(int)_payloadLeft];
        var n = ReadSome(buffer);
        if (n == 0) throw Truncated(_position, $"with {_payloadLeft} payload bytes of the entry still missing");
        _payloadLeft -= n;
        return n;
    }

    /// <summary>
    /// After <see cref="ReadNext"/> returned null: the last entry's padding followed by the two 512-byte zero blocks,
    /// exactly as tar-split stores the end segment. When the input lacked (part of) the end marker the missing zero
    /// bytes are supplied here and <see cref="EndOfArchiveSynthesized"/> is true (the output is the normalized tar).
    /// </summary>
    public ReadOnlyMemory<byte> EndOfArchive => _endOfArchive ?? throw new InvalidOperationException("the end of the archive has not been reached");

    /// <summary>True when the end-of-archive blocks (or the last padding) were missing and had to be synthesized.</summary>
    public bool EndOfArchiveSynthesized => _synthesized;

    /// <summary>After the end: the bytes that follow the two zero blocks (record padding, anything else); 0 at end of input.</summary>
    public int ReadAfterEnd(Span<byte> buffer)
    {
        if (!_ended) throw new InvalidOperationException("the end of the archive has not been reached");
        return ReadSome(buffer);
    }

    /// <summary>Disposes the input unless it was opened with leaveOpen.</summary>
    public void Dispose()
    {
        if (!_leaveOpen) _input.Dispose();
    }

    private RawTarEntry? End(MemoryStream prefix, int synthesized, bool pendingExtension = false)
    {
        if (pendingExtension) throw Truncated(_position, "after an extended header, before its entry");
        prefix.Write(new byte[synthesized]);
        _synthesized = synthesized > 0;
        _endOfArchive = prefix.ToArray();
        _ended = true;
        return null;
    }

    private ReadOnlySpan<byte> ReadExtension(TarHeaderParser.Header header, MemoryStream prefix, long blockOffset)
    {
        if (header.Size < 0 || header.Size > _limits.MaxExtensionRecordSize)
            throw new ChunkedBuildException(ErrorCodes.TarAbsurdSize,
                $"tar offset {blockOffset}: extension header '{(char)header.TypeFlag}' declares {header.Size} bytes (limit {_limits.MaxExtensionRecordSize})");
        var size = (int)header.Size;
        var padded = (size + BlockSize - 1) / BlockSize * BlockSize;
        var data = new byte[padded];
        var got = ReadUpTo(data);
        if (got < padded) throw Truncated(_position, "inside an extension header's data");
        prefix.Write(data);
        return data.AsSpan(0, size);
    }

    private void SkipPayload()
    {
        var scratch = _payloadLeft > 0 ? new byte[(int)Math.Min(_payloadLeft, BufferSize)] : [];
        while (_payloadLeft > 0) ReadData(scratch);
    }

    /// <summary>Reads up to <paramref name="count"/> bytes into <paramref name="sink"/>; returns how many were available.</summary>
    private int ReadUpTo(int count, MemoryStream sink)
    {
        if (count == 0) return 0;
        var bytes = new byte[count];
        var n = ReadUpTo(bytes);
        sink.Write(bytes, 0, n);
        return n;
    }

    private int ReadUpTo(Span<byte> destination)
    {
        var total = 0;
        int n;
        while (total < destination.Length && (n = ReadSome(destination[total..])) > 0) total += n;
        return total;
    }

    /// <summary>One read from the buffer, or straight from the input for large requests when the buffer is empty.</summary>
    private int ReadSome(Span<byte> destination)
    {
        if (_bufferStart == _bufferEnd)
        {
            if (destination.Length >= BufferSize)
            {
                var direct = _input.Read(destination);
                _position += direct;
                return direct;
            }
            _bufferStart = 0;
            _bufferEnd = _input.Read(_buffer, 0, BufferSize);
            if (_bufferEnd == 0) return 0;
        }
        var n = Math.Min(destination.Length, _bufferEnd - _bufferStart);
        _buffer.AsSpan(_bufferStart, n).CopyTo(destination);
        _bufferStart += n;
        _position += n;
        return n;
    }

    private static ChunkedBuildException Truncated(long offset, string where) =>
        new(ErrorCodes.TarTruncated, $"the tar stream ends at offset {offset}, {where}");

    private static ChunkedBuildException Corrupt(long offset, string what) =>
        new(ErrorCodes.TarCorruptHeader, $"tar offset {offset}: {what}");
}
