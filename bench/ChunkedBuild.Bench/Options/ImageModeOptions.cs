using System.Globalization;

namespace ChunkedBuild.Bench;

/// <summary>The image mode (<c>--image-mb N</c>): a whole image converted end to end, cold and with a warm cache.</summary>
internal static class ImageModeOptions
{
    /// <summary>Usage of this mode's options.</summary>
    public const string Usage = """
          --image-mb N   image mode: a 4-layer gzip image of N MB of layers (500 for the README figure) converted end to end (both
                         variants) vs the layer engine on the same layers, and again with a warm cache

        """;

    /// <summary>Reads one of this mode's options; false when <paramref name="argument"/> is not one.</summary>
    public static bool Read(string argument, Func<string> next, BenchArguments into)
    {
        if (argument != "--image-mb") return false;
        into.ImageMb = long.Parse(next(), CultureInfo.InvariantCulture);
        return true;
    }
}
