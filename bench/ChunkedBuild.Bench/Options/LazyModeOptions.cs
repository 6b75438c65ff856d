using System.Globalization;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Bench;

/// <summary>The real lazy-pull mode (<c>--lazy</c>) and its options: the start-up images pulled by containerd and the stargz snapshotter through a shaped link.</summary>
internal static class LazyModeOptions
{
    /// <summary>Usage of this mode's options.</summary>
    public const string Usage = """
          --lazy         real lazy pulls of the --startup images (root, FUSE): containerd + the stargz snapshotter (tests/lazypull) pull them from
                         Debian's docker-registry through a shaped link, cold each run; time to the app's first output and bytes moved before it for
                         the gzip image (full pull), eStargz with auto, with none and with the list `ctr-remote optimize` records; --runs rounds,
                         interleaved; then zstd:chunked partial pulls of a next release with a new skopeo (--skopeo)
          --link R,RTT   the link of --lazy (default 100mbit,20ms); `none`: the proxy only records (network time taken out)
          --snapshotter-config FILE  --lazy: the stargz snapshotter's settings (TOML, the keys of the upstream daemon's config.toml); the
                         figures are then not the default configuration's, and the bench says so
          --trace DIR    --lazy: the snapshotter logs every FUSE request and containerd logs at debug level, both written per run to DIR with the
                         link's exchanges (the times of the timeline; slows the start)
          --variants V,… --lazy: measure only these of full, auto, none, optimize, tuned (default all)
          --tuned-chunk-kb N, --tuned-gzip-level N  --lazy: a further variant `tuned`, auto with this eStargz chunk size / gzip level
          --images A,B   the images --lazy measures (default both; the partial pulls use B and run whenever a new skopeo is given)

        """;

    /// <summary>Reads one of this mode's options; false when <paramref name="argument"/> is not one.</summary>
    public static bool Read(string argument, Func<string> next, BenchArguments into)
    {
        switch (argument)
        {
            case "--lazy": into.Lazy = true; return true;
            case "--link":
                var spec = next();
                if (spec == "none") into.LazyRuns = into.LazyRuns with { Unshaped = true };
                else into.Link = ParseLink(spec);
                return true;
            case "--snapshotter-config": into.LazyRuns = into.LazyRuns with { SnapshotterConfig = File.ReadAllText(Path.GetFullPath(next())) }; return true;
            case "--tuned-chunk-kb": into.LazyRuns = into.LazyRuns with { TunedChunkSize = long.Parse(next(), CultureInfo.InvariantCulture) * 1024 }; return true;
            case "--tuned-gzip-level": into.LazyRuns = into.LazyRuns with { TunedGzipLevel = int.Parse(next(), CultureInfo.InvariantCulture) }; return true;
            case "--trace": into.LazyRuns = into.LazyRuns with { Trace = Path.GetFullPath(next()) }; return true;
            case "--variants": into.LazyRuns = into.LazyRuns with { Variants = Names(next()) }; return true;
            case "--images": into.LazyImages = Names(next()); return true;
            default: return false;
        }
    }

    private static HashSet<string> Names(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    private static LinkProfile ParseLink(string text)
    {
        try
        {
            return LinkProfile.Parse(text);
        }
        catch (ChunkedBuildException e)
        {
            throw new ArgumentException(e.Message);
        }
    }
}
