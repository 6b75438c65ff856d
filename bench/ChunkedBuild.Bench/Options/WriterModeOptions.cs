using System.Globalization;

namespace ChunkedBuild.Bench;

/// <summary>The default mode, the layer writers on one tar, and the options every mode shares (<c>--runs</c>, <c>--tool</c>, <c>--skopeo</c>, <c>--output</c>).</summary>
internal static class WriterModeOptions
{
    /// <summary>The synopsis of every mode.</summary>
    public const string Synopsis = """
        usage: dotnet run -c Release --project bench/ChunkedBuild.Bench -- [--input TAR] [--size-mb N] [--runs N] [--rss-gb N] [--image-mb N] [--push-mb N] [--startup]
                 [--layer-counts N,M] [--lazy [--link RATE,RTT] [--images A,B]] [--tool PATH] [--skopeo PATH] [--no-load] [--registry-cache]
                 [--sizes [--levels Z:G,…]] [--output FILE]

        """;

    /// <summary>Usage of this mode's options.</summary>
    public const string Usage = """
          --input TAR    measure on this tar (default: a tar of the installed .NET shared runtime, repeated to --size-mb)
          --tool PATH    time this dotnet-chunked.dll or native dotnet-chunked (default: the tool published for this machine's RID in
                         the run, as its RID package holds it: Native AOT)
          --skopeo PATH  a newest skopeo (Debian 12's 1.9.3 is too old): its zstd:chunked writer is a reference, and --lazy partial-pulls
                         zstd:chunked with it (default: $CHUNKEDBUILD_SKOPEO, else n/a)
          --no-load      skip the second set of rounds, run with one core kept busy by a spinning child process
          --size-mb N    size of the built tar in MB (default 100)
          --runs N       timed runs per writer after one warm-up; the best is reported (default 3)

        """;

    /// <summary>Usage of <c>--output</c>, printed after every mode's options.</summary>
    public const string OutputUsage = """
          --output FILE  JSON results (default bench/results/latest.json, latest-rss.json, latest-image.json, latest-push.json, latest-startup.json,
                         latest-layer-count.json, latest-lazy.json, latest-registry-cache.json or latest-sizes.json)

        """;

    /// <summary>Reads one of this mode's options; false when <paramref name="argument"/> is not one.</summary>
    public static bool Read(string argument, Func<string> next, BenchArguments into)
    {
        switch (argument)
        {
            case "--input": into.Input = Path.GetFullPath(next()); return true;
            case "--size-mb": into.SizeMb = long.Parse(next(), CultureInfo.InvariantCulture); return true;
            case "--runs": into.Runs = int.Parse(next(), CultureInfo.InvariantCulture); return true;
            case "--output": into.Output = Path.GetFullPath(next()); return true;
            case "--skopeo": into.Skopeo = Path.GetFullPath(next()); return true;
            case "--tool": into.Tool = Path.GetFullPath(next()); return true;
            case "--no-load": into.Loaded = false; return true;
            default: return false;
        }
    }
}
