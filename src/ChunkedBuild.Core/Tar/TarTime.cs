using System.Globalization;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// A tar timestamp as integer seconds since the Unix epoch plus nanoseconds (0..999 999 999).
/// PAX times carry up to nine fractional digits; <see cref="DateTime"/> would truncate them, so it is never used.
/// </summary>
/// <param name="Seconds">Whole seconds since 1970-01-01T00:00:00Z (may be negative).</param>
/// <param name="Nanoseconds">The fraction, always in 0..999 999 999 (also for negative seconds).</param>
public readonly record struct TarTime(long Seconds, int Nanoseconds)
{
    /// <summary>Seconds of 0001-01-01T00:00:00Z, the earliest instant a TOC time can name.</summary>
    public const long MinRfc3339Seconds = -62135596800;
    /// <summary>Seconds of 9999-12-31T23:59:59Z, the latest instant a TOC time can name.</summary>
    public const long MaxRfc3339Seconds = 253402300799;

    /// <summary>True when the instant lies in the years 0001..9999 (RFC 3339, Go's JSON time encoding, DateTime).</summary>
    public bool IsRfc3339Representable => Seconds is >= MinRfc3339Seconds and <= MaxRfc3339Seconds;

    /// <summary>True for the Unix epoch itself, which readers treat as "no time".</summary>
    public bool IsZero => Seconds == 0 && Nanoseconds == 0;

    /// <summary>
    /// RFC 3339 in UTC as Go formats <c>time.Time</c> with <c>RFC3339Nano</c>: fraction only when non-zero, trailing zeros
    /// trimmed, <c>Z</c> suffix. Example: <c>2024-01-02T03:04:05.5Z</c>.
    /// </summary>
    public string ToRfc3339()
    {
        var whole = DateTimeOffset.UnixEpoch.AddSeconds(Seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (Nanoseconds == 0) return whole + "Z";
        var fraction = Nanoseconds.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return $"{whole}.{fraction}Z";
    }

    /// <summary>RFC 3339 truncated to whole seconds (<c>2006-01-02T15:04:05Z</c>); eStargz rounds to the nearest second first, as Go does.</summary>
    public string ToRfc3339Seconds() =>
        DateTimeOffset.UnixEpoch.AddSeconds(Seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses an RFC 3339 timestamp (any offset, up to nine fractional digits) into an exact instant.
    /// Returns false when the text is not RFC 3339.
    /// </summary>
    public static bool TryParseRfc3339(string text, out TarTime time)
    {
        time = default;
        // yyyy-MM-ddTHH:mm:ss[.fffffffff](Z|±hh:mm)
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
            return false;
        if (!DateTime.TryParseExact(text[..19], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var baseTime))
        {
            // 'T' may be lowercase in RFC 3339
            if (!DateTime.TryParseExact(text[..10] + "T" + text[11..19], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out baseTime))
                return false;
        }
        var pos = 19;
        long nanos = 0;
        if (pos < text.Length && text[pos] == '.')
        {
            pos++;
            var digits = 0;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                if (digits < 9) nanos = nanos * 10 + (text[pos] - '0');
                digits++;
                pos++;
            }
            if (digits == 0) return false;
            for (var d = digits; d < 9; d++) nanos *= 10;
        }
        long offsetSeconds;
        if (pos < text.Length && (text[pos] == 'Z' || text[pos] == 'z') && pos == text.Length - 1) offsetSeconds = 0;
        else if (pos + 6 == text.Length && (text[pos] == '+' || text[pos] == '-') && text[pos + 3] == ':'
                 && int.TryParse(text.AsSpan(pos + 1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var oh)
                 && int.TryParse(text.AsSpan(pos + 4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var om))
            offsetSeconds = (text[pos] == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
        else return false;
        var seconds = (long)(baseTime - DateTime.UnixEpoch).TotalSeconds - offsetSeconds;
        time = new TarTime(seconds, (int)nanos);
        return true;
    }
}
