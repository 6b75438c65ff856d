using System.Text;

namespace ChunkedBuild.Core.Tests.Tar;

/// <summary>Builds tar streams block by block, including malformed ones, for precise reader tests.</summary>
internal sealed class RawTarBuilder
{
    private readonly MemoryStream _output = new();

    /// <summary>A 512-byte header with the given fields and a valid (unsigned) checksum.</summary>
    public static byte[] Header(byte[] name, byte typeFlag, long size, Action<byte[]>? customize = null, bool gnu = false,
        long mtime = 1_600_000_000, string mode = "0000644")
    {
        var block = new byte[512];
        name.AsSpan(0, Math.Min(100, name.Length)).CopyTo(block);
        Encoding.ASCII.GetBytes(mode).CopyTo(block, 100);
        Encoding.ASCII.GetBytes("0001750\0").CopyTo(block, 108); // uid 1000
        Encoding.ASCII.GetBytes("0001750\0").CopyTo(block, 116); // gid 1000
        Octal(block.AsSpan(124, 12), size);
        Octal(block.AsSpan(136, 12), mtime);
        block[156] = typeFlag;
        Encoding.ASCII.GetBytes(gnu ? "ustar  \0" : "ustar\000").CopyTo(block, 257);
        Encoding.ASCII.GetBytes("user").CopyTo(block, 265);
        Encoding.ASCII.GetBytes("group").CopyTo(block, 297);
        customize?.Invoke(block);
        SetChecksum(block);
        return block;
    }

    public static byte[] Header(string name, byte typeFlag, long size, Action<byte[]>? customize = null, bool gnu = false) =>
        Header(Encoding.UTF8.GetBytes(name), typeFlag, size, customize, gnu);

    /// <summary>Writes <paramref name="value"/> as zero-padded octal with a trailing NUL.</summary>
    public static void Octal(Span<byte> field, long value)
    {
        var text = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0') + "\0";
        Encoding.ASCII.GetBytes(text).CopyTo(field);
    }

    /// <summary>Writes <paramref name="value"/> in GNU base-256 (two's complement, high bit set).</summary>
    public static void Base256(Span<byte> field, long value)
    {
        for (var i = field.Length - 1; i >= 0; i--)
        {
            field[i] = (byte)value;
            value >>= 8;
        }
        field[0] |= 0x80;
    }

    /// <summary>Recomputes the checksum ("%06o\0 "), as the unsigned or the signed (old Sun tar) byte sum.</summary>
    public static void SetChecksum(byte[] block, bool signed = false)
    {
        Array.Fill(block, (byte)' ', 148, 8);
        long sum = 0;
        foreach (var b in block) sum += signed ? (sbyte)b : b;
        var text = Convert.ToString(sum, 8).PadLeft(6, '0');
        Encoding.ASCII.GetBytes(text + "\0 ").CopyTo(block, 148);
    }

    /// <summary>One PAX record "%d key=value\n".</summary>
    public static byte[] PaxRecord(byte[] key, byte[] value)
    {
        var body = key.Length + value.Length + 3;
        var length = body + body.ToString().Length;
        if (length.ToString().Length + body > length) length++;
        return [.. Encoding.ASCII.GetBytes(length + " "), .. key, (byte)'=', .. value, (byte)'\n'];
    }

    public static byte[] PaxRecord(string key, string value) => PaxRecord(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));

    /// <summary>Appends raw bytes.</summary>
    public RawTarBuilder Raw(byte[] bytes)
    {
        _output.Write(bytes);
        return this;
    }

    /// <summary>Appends a header, its payload and the padding.</summary>
    public RawTarBuilder Entry(byte[] header, byte[]? payload = null)
    {
        _output.Write(header);
        if (payload is not null)
        {
            _output.Write(payload);
            _output.Write(new byte[(512 - payload.Length % 512) % 512]);
        }
        return this;
    }

    /// <summary>Appends a PAX 'x' header with <paramref name="records"/>.</summary>
    public RawTarBuilder Pax(params byte[][] records)
    {
        var data = records.SelectMany(r => r).ToArray();
        return Entry(Header("PaxHeaders/x", (byte)'x', data.Length), data);
    }

    /// <summary>Appends a GNU 'L' or 'K' record.</summary>
    public RawTarBuilder GnuLong(byte typeFlag, byte[] value) =>
        Entry(Header("././@LongLink", typeFlag, value.Length + 1, gnu: true), [.. value, 0]);

    /// <summary>Appends the two zero blocks.</summary>
    public RawTarBuilder End() => Raw(new byte[1024]);

    public byte[] ToArray() => _output.ToArray();
}
