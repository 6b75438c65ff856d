using System.Globalization;

namespace ChunkedBuild.Tool.Output;

/// <summary>Human-readable byte counts (binary units, invariant culture).</summary>
public static class Sizes
{
    /// <summary>e.g. <c>512 B</c>, <c>12.3 KiB</c>, <c>4.0 MiB</c>, <c>1.20 GiB</c>.</summary>
    public static string Format(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
        < 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:F2} GiB"),
    };
}
