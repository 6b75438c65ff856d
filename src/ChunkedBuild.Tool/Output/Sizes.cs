using ChunkedBuild.Core.Conversion.Reports;

namespace ChunkedBuild.Tool.Output;

/// <summary>Human-readable byte counts (binary units, invariant culture): <see cref="ByteSizes.Format"/>, the rule the job summary uses too.</summary>
public static class Sizes
{
    /// <summary>e.g. <c>512 B</c>, <c>12.3 KiB</c>, <c>4.0 MiB</c>, <c>1.20 GiB</c>.</summary>
    public static string Format(long bytes) => ByteSizes.Format(bytes);
}
