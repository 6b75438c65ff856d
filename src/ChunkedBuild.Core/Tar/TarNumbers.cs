using System.Text;

namespace ChunkedBuild.Core.Tar;

/// <summary>Parsing of tar header fields the way Go's archive/tar does (which is how tar-split and containers/storage see them).</summary>
internal static class TarNumbers
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// A numeric field: base-256 when the first byte has its high bit set (two's complement, GNU), otherwise octal text
    /// with leading/trailing spaces and NULs ignored (empty = 0). Returns false on an invalid field.
    /// </summary>
    public static bool TryParseNumeric(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            // Base-256: the first byte's top bit is the marker; a set second bit makes the number negative.
            var inv = (field[0] & 0x40) != 0 ? (byte)0xFF : (byte)0;
            ulong x = 0;
            for (var i = 0; i < field.Length; i++)
            {
                var c = (byte)(field[i] ^ inv);
                if (i == 0) c &= 0x7F;
                if ((x >> 56) > 0) return false; // overflow
                x = (x << 8) | c;
            }
            if ((x >> 63) > 0) return false;
            value = inv == 0xFF ? ~(long)x : (long)x;
            return true;
        }
        var trimmed = field.Trim((ReadOnlySpan<byte>)[(byte)' ', 0]);
        if (trimmed.IsEmpty) return true;
        long v = 0;
        foreach (var b in trimmed)
        {
            if (b is < (byte)'0' or > (byte)'7') return false;
            if (v > (long.MaxValue >> 3)) return false;
            v = (v << 3) | (long)(b - '0');
        }
        value = v;
        return true;
    }

    /// <summary>A string field: the bytes up to the first NUL.</summary>
    public static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        return nul < 0 ? field : field[..nul];
    }

    /// <summary>Decodes UTF-8; invalid sequences are replaced and <paramref name="valid"/> is false.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, out bool valid)
    {
        try
        {
            valid = true;
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            valid = false;
            return Encoding.UTF8.GetString(bytes);
        }
    }

    /// <summary>Decodes UTF-8 leniently (user and group names are informational).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>
    /// A PAX time "seconds[.fraction]" (possibly negative): nanoseconds from the first nine fraction digits, as Go's
    /// <c>parsePAXTime</c>, normalized so that the nanoseconds are in 0..999 999 999.
    /// </summary>
    public static bool TryParsePaxTime(string text, out TarTime time)
    {
        time = default;
        var dot = text.IndexOf('.');
        var secondsText = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? "" : text[(dot + 1)..];
        if (secondsText.Length == 0 || !long.TryParse(secondsText, System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out var seconds)) return false;
        long nanos = 0;
        for (var i = 0; i < fraction.Length; i++)
        {
            if (!char.IsAsciiDigit(fraction[i])) return false;
            if (i < 9) nanos = nanos * 10 + (fraction[i] - '0');
        }
        for (var i = fraction.Length; i < 9; i++) nanos *= 10;
        if (secondsText[0] == '-' && nanos > 0)
        {
            // time.Unix(secs, -nanos): borrow one second
            seconds -= 1;
            nanos = 1_000_000_000 - nanos;
        }
        time = new TarTime(seconds, (int)nanos);
        return true;
    }
}
