using System.Buffers;
using ChunkedBuild.Core.Json;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// Writes tar-split JSON lines exactly as vbatts/tar-split's JSON packer does: one <c>storage.Entry</c> per line with keys
/// <c>type</c>, <c>name</c> or <c>name_raw</c> (omitted when empty), <c>size</c> (omitted when 0), <c>payload</c>
/// (base64, or <c>null</c>) and <c>position</c>, Go escaping, each object followed by "\n".
/// </summary>
public sealed class TarSplitWriter
{
    private readonly Stream _output;
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private long _position;

    /// <summary>Creates a writer that appends lines to <paramref name="output"/>.</summary>
    public TarSplitWriter(Stream output) => _output = output;

    /// <summary>Uncompressed bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Appends a SegmentType line holding <paramref name="payload"/> (std base64, padded).</summary>
    public void AddSegment(ReadOnlySpan<byte> payload)
    {
        var w = Begin(TarSplitEntry.SegmentType);
        w.Property("payload", Convert.ToBase64String(payload));
        End(w);
    }

    /// <summary>Appends a FileType line for <paramref name="info"/>; <paramref name="crc64"/> is required when the size is &gt; 0.</summary>
    public void AddFile(TarEntryInfo info, ulong? crc64)
    {
        var w = Begin(TarSplitEntry.FileType);
        if (info.NameIsUtf8) w.PropertyOmitEmpty("name", info.Name);
        else w.Property("name_raw", Convert.ToBase64String(info.NameBytes));
        w.PropertyOmitEmpty("size", info.Size);
        if (info.Size > 0)
        {
            var crc = crc64 ?? throw new ArgumentException("a file with content needs its CRC-64", nameof(crc64));
            w.Property("payload", Convert.ToBase64String(Crc64Iso.ToBigEndianBytes(crc)));
        }
        else
        {
            w.Name("payload");
            w.Null();
        }
        End(w);
    }

    private GoJsonWriter Begin(int type)
    {
        _line.ResetWrittenCount();
        var w = new GoJsonWriter(_line);
        w.StartObject();
        w.Property("type", type);
        return w;
    }

    private void End(GoJsonWriter w)
    {
        w.Property("position", _position++);
        w.EndObject();
        w.NewLine();
        _output.Write(_line.WrittenSpan);
        BytesWritten += _line.WrittenCount;
    }
}
