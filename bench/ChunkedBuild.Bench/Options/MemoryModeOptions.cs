using System.Globalization;

namespace ChunkedBuild.Bench;

/// <summary>The memory mode (<c>--rss-gb N</c>): our two writers' peak RSS on an N GB tar.</summary>
internal static class MemoryModeOptions
{
    /// <summary>Usage of this mode's options.</summary>
    public const string Usage = """
          --rss-gb N     memory mode: an N GB tar, our two writers only, one run each; reports peak RSS (target <= 300 MB)

        """;

    /// <summary>Reads one of this mode's options; false when <paramref name="argument"/> is not one.</summary>
    public static bool Read(string argument, Func<string> next, BenchArguments into)
    {
        if (argument != "--rss-gb") return false;
        into.RssGb = double.Parse(next(), CultureInfo.InvariantCulture);
        return true;
    }
}
