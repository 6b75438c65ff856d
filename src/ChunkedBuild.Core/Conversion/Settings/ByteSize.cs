using System.Globalization;
using System.Text.RegularExpressions;

namespace ChunkedBuild.Core.Conversion.Settings;

/// <summary>
/// Byte sizes, read and written: the one rule for sizes a user gives (<c>--spool-limit</c>, <c>spoolLimit</c> in <c>chunked.yaml</c>) and
/// for sizes the reports print (the job summary, the tool's tables). Binary units, invariant culture.
/// </summary>
public static partial class ByteSize
{
    /// <summary>What <see cref="TryParse"/> accepts, for messages.</summary>
    public const string Form = "a number of bytes, optionally with K, M, G or T (binary units), e.g. 8G";

    /// <summary>
    /// Parses a whole number of bytes, optionally with a binary unit K, M, G or T (KiB, MiB, GiB, TiB; <c>8G</c>, <c>512MiB</c>,
    /// <c>1073741824</c>); false when <paramref name="text"/> is not a positive size that fits in 63 bits.
    /// </summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var match = Pattern().Match((text ?? "").Trim());
        if (!match.Success || !long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return false;
        var shift = match.Groups["u"].Value.ToUpperInvariant() switch { "K" => 10, "M" => 20, "G" => 30, "T" => 40, _ => 0 };
        if (number < 1 || number > long.MaxValue >> shift) return false;
        bytes = number << shift;
        return true;
    }

    /// <summary>A byte count for people, e.g. <c>512 B</c>, <c>12.3 KiB</c>, <c>4.0 MiB</c>, <c>1.20 GiB</c>.</summary>
    public static string Format(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
        < 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:F2} GiB"),
    };

    /// <summary><paramref name="part"/> as a percentage of <paramref name="whole"/> with one decimal (<c>42.0%</c>); <c>-</c> when the whole is 0.</summary>
    public static string Share(long part, long whole) =>
        whole > 0 ? string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:F1}%") : "-";

    [GeneratedRegex("^(?<n>[0-9]+)(?:(?<u>[KMGTkmgt])(?:i?[Bb])?)?$")]
    private static partial Regex Pattern();
}
