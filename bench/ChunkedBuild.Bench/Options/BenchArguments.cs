using ChunkedBuild.Core.Conversion.Planning;

namespace ChunkedBuild.Bench;

/// <summary>The bench's arguments while they are read, one instance per parse: each mode's reader sets its own; <see cref="Build"/> checks them together.</summary>
internal sealed class BenchArguments
{
    /// <summary><c>--input</c>.</summary>
    public string? Input { get; set; }

    /// <summary><c>--size-mb</c>.</summary>
    public long SizeMb { get; set; } = 100;

    /// <summary><c>--runs</c>, null when not given.</summary>
    public int? Runs { get; set; }

    /// <summary><c>--rss-gb</c>.</summary>
    public double RssGb { get; set; }

    /// <summary><c>--output</c>.</summary>
    public string? Output { get; set; }

    /// <summary><c>--image-mb</c>.</summary>
    public long ImageMb { get; set; }

    /// <summary><c>--push-mb</c>.</summary>
    public long PushMb { get; set; }

    /// <summary><c>--startup</c>.</summary>
    public bool Startup { get; set; }

    /// <summary><c>--layer-counts</c>, smallest first.</summary>
    public List<int>? LayerCounts { get; set; }

    /// <summary><c>--lazy</c>.</summary>
    public bool Lazy { get; set; }

    /// <summary><c>--images</c>.</summary>
    public IReadOnlySet<string>? LazyImages { get; set; }

    /// <summary><c>--link</c>.</summary>
    public LinkProfile Link { get; set; } = LinkProfile.Default;

    /// <summary><c>--skopeo</c>, else <c>CHUNKEDBUILD_SKOPEO</c>.</summary>
    public string? Skopeo { get; set; } = Environment.GetEnvironmentVariable("CHUNKEDBUILD_SKOPEO") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;

    /// <summary><c>--tool</c>.</summary>
    public string? Tool { get; set; }

    /// <summary>False with <c>--no-load</c>.</summary>
    public bool Loaded { get; set; } = true;

    /// <summary><c>--registry-cache</c>.</summary>
    public bool RegistryCache { get; set; }

    /// <summary><c>--sizes</c>.</summary>
    public bool Sizes { get; set; }

    /// <summary><c>--levels</c>.</summary>
    public string Levels { get; set; } = "3:6";

    /// <summary>The <c>--lazy</c> settings beyond its defaults.</summary>
    public LazyRunSettings LazyRuns { get; set; } = new();

    /// <summary>The options, checked together, with each mode's defaults.</summary>
    /// <exception cref="ArgumentException">A usage message.</exception>
    public BenchOptions Build()
    {
        var runs = Runs ?? 3;
        if (SizeMb < 1 || runs < 1 || RssGb < 0) throw new ArgumentException("--size-mb and --runs must be at least 1, --rss-gb positive");
        if (LayerCounts is not null && (LayerCounts.Count < 2 || LayerCounts[0] < 1)) throw new ArgumentException("--layer-counts needs at least two positive counts, e.g. 2000,20000");
        if (Input is not null && !File.Exists(Input)) throw new ArgumentException($"--input '{Input}' does not exist");
        if (Tool is not null && !File.Exists(Tool)) throw new ArgumentException($"--tool '{Tool}' does not exist");
        if (Skopeo is not null && !File.Exists(Skopeo)) throw new ArgumentException($"--skopeo '{Skopeo}' does not exist");
        // One round by default in the registry-cache mode: each round converts a whole image twice and pushes it.
        if (RegistryCache && Runs is null) runs = 1;
        var defaultName = Sizes ? "latest-sizes.json" : RegistryCache ? "latest-registry-cache.json" : LayerCounts is not null ? "latest-layer-count.json"
            : Lazy ? "latest-lazy.json" : Startup ? "latest-startup.json" : PushMb > 0 ? "latest-push.json" : ImageMb > 0 ? "latest-image.json"
            : RssGb > 0 ? "latest-rss.json" : "latest.json";
        return new BenchOptions(Input, SizeMb, runs, RssGb, Output ?? Path.Combine(BenchOptions.RepoRoot(), "bench", "results", defaultName), ImageMb, PushMb, Startup,
            LayerCounts, Lazy, Link, Skopeo, LazyImages, Tool, Loaded, RegistryCache, Sizes ? SizeBench.ParseLevels(Levels) : null, LazyRuns);
    }
}
