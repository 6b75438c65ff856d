using ChunkedBuild.Core.Conversion.Planning;

namespace ChunkedBuild.Bench;

/// <summary>
/// The benchmark's command line: one mode per run, each with its own options and usage text in <c>Options/</c>
/// (<see cref="WriterModeOptions"/>, <see cref="MemoryModeOptions"/>, <see cref="ImageModeOptions"/>, <see cref="PushModeOptions"/>,
/// <see cref="StartupModeOptions"/>, <see cref="LayerCountModeOptions"/>, <see cref="LazyModeOptions"/>, <see cref="RegistryCacheModeOptions"/>,
/// <see cref="SizesModeOptions"/>, <see cref="DigestsModeOptions"/>), or <c>--child FORMAT IN OUT LEVEL</c> (internal: one conversion by
/// one of our writers in its own process).
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
/// <param name="Tool">A <c>dotnet-chunked.dll</c> or native <c>dotnet-chunked</c> executable to time instead of publishing the tool in the run.</param>
/// <param name="RegistryCache">The registry-cache mode (<c>--registry-cache</c>): a fresh runner's conversion step with and without the registry cache.</param>
/// <param name="Loaded">Also run the set with one core busy (default; <c>--no-load</c> skips it).</param>
/// <param name="SizeLevels">When not null: the sizes mode (<c>--sizes</c>), one cold conversion per pair of zstd:chunked and eStargz levels.</param>
/// <param name="LazyRuns">How <c>--lazy</c> runs beyond its defaults (<c>--link none</c>, <c>--snapshotter-config</c>, <c>--trace</c>, <c>--variants</c>).</param>
internal sealed record BenchOptions(string? Input, long SizeMb, int Runs, double RssGb, string ResultPath, long ImageMb = 0, long PushMb = 0, bool Startup = false,
    IReadOnlyList<int>? LayerCounts = null, bool Lazy = false, LinkProfile? Link = null, string? Skopeo = null, IReadOnlySet<string>? LazyImages = null,
    string? Tool = null, bool Loaded = true, bool RegistryCache = false, IReadOnlyList<(int Zstd, int Gzip)>? SizeLevels = null, LazyRunSettings? LazyRuns = null)
{
    /// <summary>The modes' option readers, in the order their usage is printed.</summary>
    private static readonly Func<string, Func<string>, BenchArguments, bool>[] Readers =
    [
        WriterModeOptions.Read, MemoryModeOptions.Read, ImageModeOptions.Read, PushModeOptions.Read, StartupModeOptions.Read,
        LayerCountModeOptions.Read, LazyModeOptions.Read, RegistryCacheModeOptions.Read, SizesModeOptions.Read,
    ];

    /// <summary>True in the memory mode (<c>--rss-gb</c>).</summary>
    public bool MemoryMode => RssGb > 0;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a usage message when they are wrong.</summary>
    public static BenchOptions Parse(string[] args)
    {
        var arguments = new BenchArguments();
        for (var i = 0; i < args.Length; i++)
        {
            var argument = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{argument} needs a value");
            if (!Readers.Any(read => read(argument, Next, arguments))) throw new ArgumentException($"unknown argument '{argument}'");
        }
        return arguments.Build();
    }

    /// <summary>Usage text: every mode's part.</summary>
    public const string Usage = WriterModeOptions.Synopsis + WriterModeOptions.Usage + MemoryModeOptions.Usage + ImageModeOptions.Usage + PushModeOptions.Usage
        + StartupModeOptions.Usage + LayerCountModeOptions.Usage + LazyModeOptions.Usage + RegistryCacheModeOptions.Usage + SizesModeOptions.Usage
        + WriterModeOptions.OutputUsage + DigestsModeOptions.Usage;

    /// <summary>The repository root (the folder holding ChunkedBuild.sln), else the current folder.</summary>
    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ChunkedBuild.sln"))) return dir.FullName;
        return Environment.CurrentDirectory;
    }
}
