using System.Buffers.Binary;
using System.Globalization;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// Writes and parses the 51-byte eStargz footer (docs/formats.md §3.4; its byte layout is at <see cref="EStargzSpec.FooterSize"/>): an empty
/// gzip member whose Extra field holds the TOC member's offset.
/// </summary>
internal static class EStargzFooter
{
    /// <summary>Footer length in bytes.</summary>
    public const int Size = EStargzSpec.FooterSize;

    private const int HexOffset = 16;
    private const int HexLength = 16;
    private const int MagicOffset = 32;

    // gzip header (10) + XLEN (2) + SG id (2) + subfield LEN (2): everything before the hex offset.
    private static ReadOnlySpan<byte> Prefix => [0x1F, 0x8B, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x1A, 0x00, 0x53, 0x47, 0x16, 0x00];

    // "STARGZ" + empty final stored block + CRC32 0 + ISIZE 0: everything after the hex offset.
    private static ReadOnlySpan<byte> Suffix =>
        [(byte)'S', (byte)'T', (byte)'A', (byte)'R', (byte)'G', (byte)'Z', 0x01, 0x00, 0x00, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>Returns the footer pointing at a TOC member that starts at <paramref name="tocOffset"/>.</summary>
    public static byte[] Create(long tocOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tocOffset);
        var footer = new byte[Size];
        Prefix.CopyTo(footer);
        System.Text.Encoding.ASCII.GetBytes(tocOffset.ToString("x16", CultureInfo.InvariantCulture), footer.AsSpan(HexOffset, HexLength));
        Suffix.CopyTo(footer.AsSpan(MagicOffset));
        return footer;
    }

    /// <summary>
    /// Parses a footer as stargz-snapshotter and containers/storage do (gzip header with FEXTRA, subfield <c>SG</c> of
    /// length 22, 16 hex digits, <c>STARGZ</c>, an empty deflate body) and returns the TOC offset; on failure returns
    /// false with the broken rule in <paramref name="error"/>. Upper-case hex is rejected: the format writes lower case.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> footer, out long tocOffset, out string error)
    {
        tocOffset = 0;
        error = "";
        if (footer.Length != Size) return Fail($"a footer has {Size} bytes, got {footer.Length}", out error);
        if (footer[0] != 0x1F || footer[1] != 0x8B || footer[2] != 0x08)
            return Fail("it does not start with a gzip header (1F 8B 08)", out error);
        if ((footer[3] & 0x04) == 0) return Fail("the gzip FEXTRA flag is not set", out error);
        if ((footer[3] & ~0x04) != 0) return Fail($"unexpected gzip flags 0x{footer[3]:x2} besides FEXTRA", out error);
        if (BinaryPrimitives.ReadUInt16LittleEndian(footer[10..]) != 26) return Fail("the gzip Extra field is not 26 bytes long", out error);
        if (footer[12] != (byte)'S' || footer[13] != (byte)'G') return Fail("the Extra subfield id is not 'SG'", out error);
        if (BinaryPrimitives.ReadUInt16LittleEndian(footer[14..]) != 22) return Fail("the 'SG' subfield length is not 22", out error);
        if (!footer.Slice(MagicOffset, 6).SequenceEqual("STARGZ"u8)) return Fail("the 'STARGZ' magic is missing", out error);
        var hex = footer.Slice(HexOffset, HexLength);
        foreach (var b in hex)
        {
            if (!(b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f'))
                return Fail($"the TOC offset '{System.Text.Encoding.ASCII.GetString(hex)}' is not 16 lowercase hex digits", out error);
        }
        var value = ulong.Parse(System.Text.Encoding.ASCII.GetString(hex), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (value > long.MaxValue) return Fail("the TOC offset does not fit a signed 64-bit integer (Go's ParseInt fails)", out error);
        if (!footer[38..].SequenceEqual(Suffix[6..]))
            return Fail("the gzip body is not an empty stored block with a zero CRC and size (01 00 00 FF FF + 8 zero bytes)", out error);
        tocOffset = (long)value;
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
