using System.Globalization;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Bench;

/// <summary>
/// The benchmark's command line:
/// <c>[--input TAR] [--size-mb N] [--runs N] [--rss-gb N] [--output JSON]</c>, or <c>--child FORMAT IN OUT LEVEL</c>
/// (internal: one conversion by one of our writers in its own process).
/// </summary>
/// <param name="Input">An existing tar to measure on; null = build one from the installed .NET runtime.</param>
/// <param name="SizeMb">Minimum size of the built tar in MB (10^6 bytes).</param>
/// <param name="Runs">Timed runs per writer (best one reported), after one warm-up run.</param>
/// <param name="RssGb">When above 0: the memory mode, a tar of this many GB and only our writers, one run each.</param>
/// <param name="ResultPath">Where the JSON results go.</param>
/// <param name="ImageMb">When above 0: the image mode (<c>--image-mb</c>).</param>
/// <param name="PushMb">When above 0: the push mode (<c>--push-mb</c>).</param>
/// <param name="Startup">The lazy-pull mode (<c>--startup</c>): bytes fetched before the sample app starts, per variant.</param>
/// <param name="LayerCounts">When not empty: the layer-count mode (<c>--layer-counts</c>), images of that many tiny layers, smallest first.</param>
/// <param name="Lazy">The real lazy-pull mode (<c>--lazy</c>): the start-up images pulled by containerd (+ stargz-snapshotter) through a shaped link.</param>
/// <param name="Link">The link of <c>--lazy</c> (<c>--link RATE,RTT</c>).</param>
/// <param name="Skopeo">A newest skopeo (<c>--skopeo</c>, else <c>CHUNKEDBUILD_SKOPEO</c>), or null: its zstd:chunked writer is a reference of the default
/// mode, and <c>--lazy</c> partial-pulls zstd:chunked with it.</param>
/// <param name="LazyImages">The images <c>--lazy</c> measures (<c>--images A,B</c>); null: both.</param>
/// <param name="Tool">A <c>dotnet-chunked.dll</c> to time instead of publishing the tool (ReadyToRun) in the run.</param>
/// <param name="RegistryCache">The registry-cache mode (<c>--registry-cache</c>): a fresh runner's conversion step with and without the registry cache.</param>
/// <param name="Loaded">Also run the set with one core busy (default; <c>--no-load</c> skips it).</param>
/// <param name="SizeLevels">When not null: the sizes mode (<c>--sizes</c>), one cold conversion per pair of zstd:chunked and eStargz levels.</param>
/// <param name="LazyRuns">How <c>--lazy</c> runs beyond its defaults (<c>--link none</c>, <c>--snapshotter-config</c>, <c>--trace</c>, <c>--variants</c>).</param>
internal sealed record BenchOptions(string? Input, long SizeMb, int Runs, double RssGb, string ResultPath, long ImageMb = 0, long PushMb = 0, bool Startup = false,
    IReadOnlyList<int>? LayerCounts = null, bool Lazy = false, LinkProfile? Link = null, string? Skopeo = null, IReadOnlySet<string>? LazyImages = null,
    string? Tool = null, bool Loaded = true, bool RegistryCache = false, IReadOnlyList<(int Zstd, int Gzip)>? SizeLevels = null, LazyRunSettings? LazyRuns = null)
{
    /// <summary>True in the memory mode (<c>--rss-gb</c>).</summary>
    public bool MemoryMode => RssGb > 0;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a usage message when they are wrong.</summary>
    public static BenchOptions Parse(string[] args)
    {
        string? input = null;
        long sizeMb = 100;
        var runs = 3;
        double rssGb = 0;
        string? output = null;
        long imageMb = 0;
        long pushMb = 0;
        var startup = false;
        List<int>? layerCounts = null;
        var lazy = false;
        IReadOnlySet<string>? lazyImages = null;
        var link = LinkProfile.Default;
        var skopeo = Environment.GetEnvironmentVariable("CHUNKEDBUILD_SKOPEO") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        string? tool = null;
        var loaded = true;
        var registryCache = false;
        var sizes = false;
        var levels = "3:6";
        int? runsGiven = null;
        var lazyRuns = new LazyRunSettings();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--input": input = Path.GetFullPath(Next()); break;
                case "--size-mb": sizeMb = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--runs": runs = (runsGiven = int.Parse(Next(), CultureInfo.InvariantCulture)).Value; break;
                case "--rss-gb": rssGb = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--output": output = Path.GetFullPath(Next()); break;
                case "--image-mb": imageMb = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--push-mb": pushMb = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--startup": startup = true; break;
                case "--layer-counts": layerCounts = [.. Next().Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).Order()]; break;
                case "--lazy": lazy = true; break;
                case "--link":
                    var spec = Next();
                    if (spec == "none") lazyRuns = lazyRuns with { Unshaped = true };
                    else link = ParseLink(spec);
                    break;
                case "--snapshotter-config": lazyRuns = lazyRuns with { SnapshotterConfig = File.ReadAllText(Path.GetFullPath(Next())) }; break;
                case "--tuned-chunk-kb": lazyRuns = lazyRuns with { TunedChunkSize = long.Parse(Next(), CultureInfo.InvariantCulture) * 1024 }; break;
                case "--tuned-gzip-level": lazyRuns = lazyRuns with { TunedGzipLevel = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--trace": lazyRuns = lazyRuns with { Trace = Path.GetFullPath(Next()) }; break;
                case "--variants": lazyRuns = lazyRuns with { Variants = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) }; break;
                case "--images": lazyImages = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal); break;
                case "--skopeo": skopeo = Path.GetFullPath(Next()); break;
                case "--tool": tool = Path.GetFullPath(Next()); break;
                case "--no-load": loaded = false; break;
                case "--registry-cache": registryCache = true; break;
                case "--sizes": sizes = true; break;
                case "--levels": levels = Next(); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        if (sizeMb < 1 || runs < 1 || rssGb < 0) throw new ArgumentException("--size-mb and --runs must be at least 1, --rss-gb positive");
        if (layerCounts is not null && (layerCounts.Count < 2 || layerCounts[0] < 1)) throw new ArgumentException("--layer-counts needs at least two positive counts, e.g. 2000,20000");
        if (input is not null && !File.Exists(input)) throw new ArgumentException($"--input '{input}' does not exist");
        if (tool is not null && !File.Exists(tool)) throw new ArgumentException($"--tool '{tool}' does not exist");
        if (skopeo is not null && !File.Exists(skopeo)) throw new ArgumentException($"--skopeo '{skopeo}' does not exist");
        // One round by default in the registry-cache mode: each round converts a whole image twice and pushes it.
        if (registryCache && runsGiven is null) runs = 1;
        var defaultName = sizes ? "latest-sizes.json" : registryCache ? "latest-registry-cache.json" : layerCounts is not null ? "latest-layer-count.json" : lazy ? "latest-lazy.json" : startup ? "latest-startup.json" : pushMb > 0 ? "latest-push.json" : imageMb > 0 ? "latest-image.json" : rssGb > 0 ? "latest-rss.json" : "latest.json";
        return new BenchOptions(input, sizeMb, runs, rssGb, output ?? Path.Combine(RepoRoot(), "bench", "results", defaultName), imageMb, pushMb, startup, layerCounts,
            lazy, link, skopeo, lazyImages, tool, loaded, registryCache, sizes ? SizeBench.ParseLevels(levels) : null, lazyRuns);
    }

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

    /// <summary>Usage text.</summary>
    public const string Usage = """
        usage: dotnet run -c Release --project bench/ChunkedBuild.Bench -- [--input TAR] [--size-mb N] [--runs N] [--rss-gb N] [--image-mb N] [--push-mb N] [--startup]
                 [--layer-counts N,M] [--lazy [--link RATE,RTT] [--images A,B]] [--tool DLL] [--skopeo PATH] [--no-load] [--registry-cache]
                 [--sizes [--levels Z:G,…]] [--output FILE]
          --input TAR    measure on this tar (default: a tar of the installed .NET shared runtime, repeated to --size-mb)
          --tool DLL     time this dotnet-chunked.dll (default: the tool published ReadyToRun for this machine's RID in the run)
          --skopeo PATH  a newest skopeo (Debian 12's 1.9.3 is too old): its zstd:chunked writer is a reference, and --lazy partial-pulls
                         zstd:chunked with it (default: $CHUNKEDBUILD_SKOPEO, else n/a)
          --no-load      skip the second set of rounds, run with one core kept busy by a spinning child process
          --size-mb N    size of the built tar in MB (default 100)
          --runs N       timed runs per writer after one warm-up; the best is reported (default 3)
          --rss-gb N     memory mode: an N GB tar, our two writers only, one run each; reports peak RSS (target <= 300 MB)
          --image-mb N   image mode: a 4-layer gzip image of N MB of layers (500 for the README figure) converted end to end (both
                         variants) vs the layer engine on the same layers, and again with a warm cache
          --push-mb N    push mode: a converted image of N MB of layers (500 for the README figure) pushed to Debian's docker-registry
                         on 127.0.0.1 by our client vs `skopeo copy` of the same layout, and a re-push (blobs present)
          --startup      lazy-pull mode: the hello console app on a runtime:10.0-like image and samples/app on an aspnet:10.0-like
                         image (Debian OS + runtime-deps layers from this machine's packages, the installed .NET), converted with auto
                         prioritization and with none; bytes fetched before the app starts per variant, for the auto list and for the
                         files a real start of the app here read, vs the image's compressed size (target: samples/app, eStargz + auto <= 15%)
          --layer-counts N,M  layer-count mode: images of N and M one-file gzip layers (2000,20000 for the README figure) converted by the
                         tool (both variants, auto prioritization, no cache); the time ratio must stay linear in the count ratio
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
          --registry-cache  registry-cache mode: samples/app on the aspnet:10.0-like base, each next release converted into Debian's docker-registry
                         by a fresh runner (empty local cache, own process) with and without the registry cache; the conversion step's wall times
                         (target: with <= 25% of without); one round unless --runs; also prints each variant's first-pull size vs the gzip original
          --sizes        sizes mode: that image converted cold into an OCI layout once per --levels pair (zstd:chunked level : eStargz level,
                         default 3:6, e.g. 3:6,10:9); per variant its layers' bytes vs the gzip original's (target <= 1.00x) and the step's time
          --output FILE  JSON results (default bench/results/latest.json, latest-rss.json, latest-image.json, latest-push.json, latest-startup.json,
                         latest-layer-count.json, latest-lazy.json, latest-registry-cache.json or latest-sizes.json)
        or: dotnet run -c Release --project bench/ChunkedBuild.Bench -- --digests FILE [--inputs DIR]
          output-digest mode (no timing): every corpus case and the bench tar converted by both writers (default options and with
          prioritized files) and three images converted end to end, one line of output digests per conversion written to FILE;
          the inputs are built once into DIR (default artifacts/digest-inputs) and reused, so two commits can be compared
        """;

    /// <summary>The repository root (the folder holding ChunkedBuild.sln), else the current folder.</summary>
    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ChunkedBuild.sln"))) return dir.FullName;
        return Environment.CurrentDirectory;
    }
}
