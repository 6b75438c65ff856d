namespace ChunkedBuild.Core.Tar;

/// <summary>
/// Parses tar header fields the way Go's <c>archive/tar</c> parser does: C strings cut at the first NUL, numbers in
/// octal (leading/trailing NULs and spaces trimmed) or GNU base-256 (two's complement, first byte's high bit set).
/// Like Go's parser it remembers that a field failed instead of stopping at the first error.
/// </summary>
internal struct TarFieldParser
{
    /// <summary>True once any numeric field failed to parse.</summary>
    public bool Failed;

    /// <summary>Go's <c>parseString</c>: the bytes before the first NUL (all of them when there is none).</summary>
    public static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        return nul >= 0 ? field[..nul] : field;
    }

    /// <summary>Go's <c>parseNumeric</c>: base-256 when the first byte's high bit is set, octal otherwise.</summary>
    public long Numeric(ReadOnlySpan<byte> field)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            // Base-256: the remaining 7 + 8n bits are a big-endian two's complement number; bit 6 of the first byte is the sign.
            var invert = (field[0] & 0x40) != 0 ? (byte)0xFF : (byte)0x00;
            ulong x = 0;
            for (var i = 0; i < field.Length; i++)
            {
                var c = (byte)(field[i] ^ invert);
                if (i == 0) c &= 0x7F;
                if ((x >> 56) > 0)
                {
                    Failed = true;
                    return 0;
                }
                x = (x << 8) | c;
            }
            if ((x >> 63) > 0)
            {
                Failed = true;
                return 0;
            }
            return invert == 0xFF ? ~(long)x : (long)x;
        }
        return Octal(field);
    }

    /// <summary>Go's <c>parseOctal</c>: trims NULs and spaces on both ends, cuts at a NUL, parses base 8 into 64 bits.</summary>
    public long Octal(ReadOnlySpan<byte> field)
    {
        var start = 0;
        var end = field.Length;
        while (start < end && field[start] is 0 or (byte)' ') start++;
        while (end > start && field[end - 1] is 0 or (byte)' ') end--;
        if (start == end) return 0;
        var digits = CString(field[start..end]);
        if (digits.Length == 0)
        {
            Failed = true;
            return 0;
        }
        ulong x = 0;
        foreach (var c in digits)
        {
            if (c is < (byte)'0' or > (byte)'7' || (x >> 61) != 0)
            {
                Failed = true;
                return 0;
            }
            x = (x << 3) | (uint)(c - (byte)'0');
        }
        return (long)x; // Go converts the uint64 with int64(x)
    }
}
