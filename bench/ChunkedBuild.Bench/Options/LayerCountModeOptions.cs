using System.Globalization;

namespace ChunkedBuild.Bench;

/// <summary>The layer-count mode (<c>--layer-counts N,M</c>): the work must grow linearly with the layer count.</summary>
internal static class LayerCountModeOptions
{
    /// <summary>Usage of this mode's options.</summary>
    public const string Usage = """
          --layer-counts N,M  layer-count mode: images of N and M one-file gzip layers (2000,20000 for the README figure) converted by the
                         tool (both variants, auto prioritization, no cache); the time ratio must stay linear in the count ratio

        """;

    /// <summary>Reads one of this mode's options; false when <paramref name="argument"/> is not one.</summary>
    public static bool Read(string argument, Func<string> next, BenchArguments into)
    {
        if (argument != "--layer-counts") return false;
        into.LayerCounts = [.. next().Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).Order()];
        return true;
    }
}
