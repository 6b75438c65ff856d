using System.Text;

namespace ChunkedBuild.Core.Tar;

/// <summary>One PAX record with its raw key and value bytes.</summary>
internal readonly record struct PaxRecord(byte[] Key, byte[] Value);

/// <summary>
/// Parses the data of a PAX extended header ('x' or 'g') into records, with the checks of Go's <c>parsePAX</c> and
/// <c>parsePAXRecord</c>: <c>"%d %s=%s\n"</c> where the decimal length counts the whole record, a non-empty key
/// without '=' or NUL, no NUL in the values of path/linkpath/uname/gname, and GNU sparse 0.0
/// <c>GNU.sparse.offset</c>/<c>GNU.sparse.numbytes</c> records strictly alternating without commas.
/// </summary>
internal static class PaxRecordParser
{
    /// <summary>The PAX keys with special meaning (byte spellings).</summary>
    internal static class Keys
    {
        public static ReadOnlySpan<byte> Path => "path"u8;
        public static ReadOnlySpan<byte> LinkPath => "linkpath"u8;
        public static ReadOnlySpan<byte> Size => "size"u8;
        public static ReadOnlySpan<byte> Uid => "uid"u8;
        public static ReadOnlySpan<byte> Gid => "gid"u8;
        public static ReadOnlySpan<byte> UserName => "uname"u8;
        public static ReadOnlySpan<byte> GroupName => "gname"u8;
        public static ReadOnlySpan<byte> ModTime => "mtime"u8;
        public static ReadOnlySpan<byte> AccessTime => "atime"u8;
        public static ReadOnlySpan<byte> ChangeTime => "ctime"u8;
        public static ReadOnlySpan<byte> XattrPrefix => "SCHILY.xattr."u8;
        public static ReadOnlySpan<byte> GnuSparsePrefix => "GNU.sparse."u8;
        public static ReadOnlySpan<byte> GnuSparseOffset => "GNU.sparse.offset"u8;
        public static ReadOnlySpan<byte> GnuSparseNumBytes => "GNU.sparse.numbytes"u8;
    }

    /// <summary>Parses every record of <paramref name="data"/>; returns null and a reason on the first malformed record.</summary>
    public static List<PaxRecord>? TryParse(ReadOnlySpan<byte> data, out string? error)
    {
        error = null;
        var records = new List<PaxRecord>();
        var sparseValues = 0; // count of GNU sparse 0.0 offset/numbytes records, which must alternate
        var pos = 0;
        while (pos < data.Length)
        {
            var rest = data[pos..];
            var space = rest.IndexOf((byte)' ');
            if (space < 0) return Fail(out error, pos, "no space after the record length");
            if (!TryParseDecimal(rest[..space], out var length) || length < 5 || length > rest.Length)
                return Fail(out error, pos, "the record length is not a decimal number within the header");
            var recordLength = (int)length;
            if (space + 1 > recordLength - 1) return Fail(out error, pos, "the record length is shorter than its own length field");
            if (rest[recordLength - 1] != (byte)'\n') return Fail(out error, pos, "the record does not end with a newline");
            var record = rest[(space + 1)..(recordLength - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals < 0) return Fail(out error, pos, "the record has no '='");
            var key = record[..equals];
            var value = record[(equals + 1)..];
            if (key.Length == 0) return Fail(out error, pos, "the record key is empty");
            var isStringField = key.SequenceEqual(Keys.Path) || key.SequenceEqual(Keys.LinkPath)
                || key.SequenceEqual(Keys.UserName) || key.SequenceEqual(Keys.GroupName);
            if (isStringField ? value.Contains((byte)0) : key.Contains((byte)0))
                return Fail(out error, pos, "the record contains a NUL byte");

            var isOffset = key.SequenceEqual(Keys.GnuSparseOffset);
            if (isOffset || key.SequenceEqual(Keys.GnuSparseNumBytes))
            {
                if ((sparseValues % 2 == 0) != isOffset || value.Contains((byte)','))
                    return Fail(out error, pos, "GNU.sparse.offset/GNU.sparse.numbytes records are out of order");
                sparseValues++;
            }
            records.Add(new PaxRecord(key.ToArray(), value.ToArray()));
            pos += recordLength;
        }
        return records;
    }

    /// <summary>Go's <c>strconv.ParseInt(s, 10, 64)</c>: optional sign, decimal digits only, no overflow.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        var negative = false;
        if (text.Length > 0 && text[0] is (byte)'+' or (byte)'-')
        {
            negative = text[0] == (byte)'-';
            text = text[1..];
        }
        if (text.Length == 0) return false;
        ulong magnitude = 0;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9') return false;
            var digit = (ulong)(c - '0');
            if (magnitude > (ulong.MaxValue - digit) / 10) return false;
            magnitude = magnitude * 10 + digit;
        }
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1) return false;
            value = (long)(0 - magnitude);
            return true;
        }
        if (magnitude > long.MaxValue) return false;
        value = (long)magnitude;
        return true;
    }

    /// <summary>
    /// Go's <c>parsePAXTime</c>: <c>[-]seconds[.fraction]</c>, fraction digits only, truncated to nanoseconds; a
    /// leading '-' makes the fraction negative too (<c>-1.5</c> is 1.5 s before the epoch).
    /// </summary>
    public static bool TryParseTime(ReadOnlySpan<byte> text, out TarTime time)
    {
        time = default;
        var dot = text.IndexOf((byte)'.');
        var secondsText = dot >= 0 ? text[..dot] : text;
        var fractionText = dot >= 0 ? text[(dot + 1)..] : default;
        if (!TryParseDecimal(secondsText, out var seconds)) return false;
        if (fractionText.IsEmpty)
        {
            time = new TarTime(seconds, 0);
            return true;
        }
        long nanos = 0;
        for (var i = 0; i < 9; i++)
        {
            nanos *= 10;
            if (i < fractionText.Length)
            {
                var c = fractionText[i];
                if (c is < (byte)'0' or > (byte)'9') return false;
                nanos += c - '0';
            }
        }
        for (var i = 9; i < fractionText.Length; i++)
        {
            if (fractionText[i] is < (byte)'0' or > (byte)'9') return false;
        }
        if (secondsText.Length > 0 && secondsText[0] == (byte)'-' && nanos > 0)
        {
            if (seconds == long.MinValue) return false;
            time = new TarTime(seconds - 1, (int)(1_000_000_000 - nanos));
            return true;
        }
        time = new TarTime(seconds, (int)nanos);
        return true;
    }

    /// <summary>Decodes bytes as UTF-8 (invalid sequences become U+FFFD) and reports whether they were valid.</summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes, out bool valid)
    {
        valid = System.Text.Unicode.Utf8.IsValid(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    private static List<PaxRecord>? Fail(out string? error, int offset, string reason)
    {
        error = $"{reason} (record at byte {offset} of the extended header data)";
        return null;
    }
}
