using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Unicode;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Json;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// Writes tar-split JSON lines exactly as vbatts/tar-split's JSON packer does (key order type,name|name_raw,size,payload,position;
/// Go escaping; one object + "\n" per line), so that the bytes equal the reference for the same tar.
/// </summary>
/// <remarks>
/// Line layout (Go's <c>json.Encoder</c> over <c>storage.Entry</c>):
/// <c>{"type":2,"payload":"&lt;base64&gt;","position":N}</c> for segments and
/// <c>{"type":1,"name":"…","size":N,"payload":"&lt;base64 of the 8-byte big-endian CRC-64&gt;","position":N}</c> for files,
/// where <c>name</c> is replaced by <c>name_raw</c> (base64) for non-UTF-8 names and omitted when empty, <c>size</c>
/// is omitted when 0 and <c>payload</c> is <c>null</c> when there is no checksum. Like the packer, a second file line
/// whose name equals an earlier one after <c>filepath.Clean</c> is refused (CHB1106, tar-split's ErrDuplicatePath).
/// </remarks>
public sealed class TarSplitWriter
{
    private readonly Stream _output;
    private readonly ArrayBufferWriter<byte> _line = new(4096);
    private readonly GoJsonWriter _json;
    private readonly HashSet<string> _seenNames = new(StringComparer.Ordinal);
    private long _position;
    private long _bytesWritten;

    /// <summary>Creates a writer that appends lines to <paramref name="output"/>.</summary>
    public TarSplitWriter(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _json = new GoJsonWriter(_line);
    }

    /// <summary>Uncompressed bytes written so far.</summary>
    public long BytesWritten => _bytesWritten;

    /// <summary>Number of lines written so far (the next line's <c>position</c>).</summary>
    public long LineCount => _position;

    /// <summary>Appends a SegmentType line holding <paramref name="payload"/> (std base64, padded).</summary>
    public void AddSegment(ReadOnlySpan<byte> payload)
    {
        _json.StartObject();
        _json.Property("type", TarSplitEntry.SegmentType);
        _json.Name("payload");
        WriteBase64String(payload);
        FinishLine();
    }

    /// <summary>Appends a FileType line for <paramref name="info"/>; <paramref name="crc64"/> is required when the size is &gt; 0.</summary>
    public void AddFile(TarEntryInfo info, ulong? crc64)
    {
        ArgumentNullException.ThrowIfNull(info);
        AddFile(info.NameBytes, info.Size, crc64);
    }

    /// <summary>
    /// Appends a FileType line for a raw entry name. <paramref name="crc64"/> is written only when
    /// <paramref name="size"/> is not 0 (tar-split computes it only for size &gt; 0) and is then required.
    /// </summary>
    public void AddFile(ReadOnlySpan<byte> nameBytes, long size, ulong? crc64)
    {
        if (size > 0 && crc64 is null) throw new ArgumentException("A CRC-64 is required for a file with a non-zero size.", nameof(crc64));
        var cleanKey = TarPath.Clean(Encoding.Latin1.GetString(nameBytes));
        if (!_seenNames.Add(cleanKey))
        {
            var display = Encoding.UTF8.GetString(nameBytes);
            throw new ChunkedBuildException(ErrorCodes.DuplicatePath,
                $"tar-split cannot describe two entries named '{display}' after path cleaning (tar-split ErrDuplicatePath)", display);
        }

        _json.StartObject();
        _json.Property("type", TarSplitEntry.FileType);
        if (!nameBytes.IsEmpty)
        {
            if (Utf8.IsValid(nameBytes))
            {
                _json.Property("name", Encoding.UTF8.GetString(nameBytes));
            }
            else
            {
                _json.Name("name_raw");
                WriteBase64String(nameBytes);
            }
        }
        _json.PropertyOmitEmpty("size", size);
        _json.Name("payload");
        if (size != 0 && crc64 is { } crc)
        {
            Span<byte> sum = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(sum, crc);
            WriteBase64String(sum);
        }
        else
        {
            _json.Null();
        }
        FinishLine();
    }

    private void WriteBase64String(ReadOnlySpan<byte> bytes)
    {
        // Base64 text never needs JSON escaping, so it is written raw between quotes.
        var length = Base64.GetMaxEncodedToUtf8Length(bytes.Length) + 2;
        var scratch = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            scratch[0] = (byte)'"';
            Base64.EncodeToUtf8(bytes, scratch.AsSpan(1), out _, out var written);
            scratch[written + 1] = (byte)'"';
            _json.RawValue(scratch.AsSpan(0, written + 2));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private void FinishLine()
    {
        _json.Property("position", _position);
        _json.EndObject();
        _json.NewLine();
        _output.Write(_line.WrittenSpan);
        _bytesWritten += _line.WrittenCount;
        _position++;
        _line.ResetWrittenCount();
    }
}
