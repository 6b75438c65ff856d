using System.Globalization;

namespace ChunkedBuild.Core.Conversion.Reports;

/// <summary>Byte counts and shares for people: binary units, invariant culture, the one rule every report uses.</summary>
public static class ByteSizes
{
    /// <summary>e.g. <c>512 B</c>, <c>12.3 KiB</c>, <c>4.0 MiB</c>, <c>1.20 GiB</c>.</summary>
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
}
