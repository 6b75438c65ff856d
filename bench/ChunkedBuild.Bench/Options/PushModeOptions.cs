using System.Globalization;

namespace ChunkedBuild.Bench;

/// <summary>The push mode (<c>--push-mb N</c>): a converted image pushed by our client vs <c>skopeo copy</c>.</summary>
internal static class PushModeOptions
{
    /// <summary>Usage of this mode's options.</summary>
    public const string Usage = """
          --push-mb N    push mode: a converted image of N MB of layers (500 for the README figure) pushed to Debian's docker-registry
                         on 127.0.0.1 by our client vs `skopeo copy` of the same layout, and a re-push (blobs present)

        """;

    /// <summary>Reads one of this mode's options; false when <paramref name="argument"/> is not one.</summary>
    public static bool Read(string argument, Func<string> next, BenchArguments into)
    {
        if (argument != "--push-mb") return false;
        into.PushMb = long.Parse(next(), CultureInfo.InvariantCulture);
        return true;
    }
}
