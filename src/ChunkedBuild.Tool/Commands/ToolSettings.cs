using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Conversion.Settings;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChunkedBuild.Tool.Commands;

/// <summary>
/// Defaults for <c>convert</c> from a <c>chunked.yaml</c> file (the one named by <c>--config</c>, else <c>./chunked.yaml</c> when it
/// exists). Command-line flags override every value. Keys:
/// <code>
/// variants: [estargz, zstd-chunked]   # or a comma list; estargz, zstd-chunked, original
/// publish: index                      # index | tags
/// level: 6                            # every format; zstdLevel / gzipLevel override
/// zstdLevel: 3
/// gzipLevel: 6
/// chunkSize: 4194304                  # eStargz chunk size in bytes
/// jobs: 4                             # layers converted at once
/// strict: false                       # fail instead of keeping a layer a format cannot represent
/// cache: true                         # the converted-layer cache
/// cacheDir: ~/.cache/chunkedbuild
/// registryCache: true                 # share conversions through registries (docs/registry-cache.md)
/// cacheTo: ghcr.io/org/app-cache      # default: the destination's repository, tag chunkedbuild-cache
/// cacheFrom: [ghcr.io/org/base-cache] # or a comma list
/// prioritizeFile: chunked.prioritize.yaml
/// zstdOrder: tar                      # tar | prioritized
/// sparse: densify                     # densify | refuse
/// spoolLimit: 8G                      # most bytes a layer may spool to temporary files (default: max(1 GiB, 100 × the compressed layer))
/// </code>
/// </summary>
public sealed record ToolSettings
{
    /// <summary>The default file name looked for in the current folder.</summary>
    public const string DefaultFileName = "chunked.yaml";

    private static readonly string[] Keys = ["variants", "publish", "level", "zstdLevel", "gzipLevel", "chunkSize", "jobs", "strict", "cache", "cacheDir", "registryCache", "cacheTo", "cacheFrom", "prioritizeFile", "zstdOrder", "sparse", "spoolLimit"];

    /// <summary>Where the settings came from (null: no file).</summary>
    public string? Source { get; init; }

    /// <summary><c>variants</c> as a comma list.</summary>
    public string? Variants { get; init; }

    /// <summary><c>publish</c>.</summary>
    public string? Publish { get; init; }

    /// <summary><c>level</c>.</summary>
    public int? Level { get; init; }

    /// <summary><c>zstdLevel</c>.</summary>
    public int? ZstdLevel { get; init; }

    /// <summary><c>gzipLevel</c>.</summary>
    public int? GzipLevel { get; init; }

    /// <summary><c>chunkSize</c>.</summary>
    public long? ChunkSize { get; init; }

    /// <summary><c>jobs</c>.</summary>
    public int? Jobs { get; init; }

    /// <summary><c>strict</c>.</summary>
    public bool? Strict { get; init; }

    /// <summary><c>cache</c>.</summary>
    public bool? Cache { get; init; }

    /// <summary><c>cacheDir</c> (relative paths are relative to the file's folder).</summary>
    public string? CacheDir { get; init; }

    /// <summary><c>registryCache</c>.</summary>
    public bool? RegistryCache { get; init; }

    /// <summary><c>cacheTo</c>: the registry cache conversions are recorded in.</summary>
    public string? CacheTo { get; init; }

    /// <summary><c>cacheFrom</c>: more registry caches to reuse conversions from.</summary>
    public IReadOnlyList<string>? CacheFrom { get; init; }

    /// <summary><c>zstdOrder</c>: tar or prioritized.</summary>
    public string? ZstdOrder { get; init; }

    /// <summary><c>sparse</c>: densify or refuse.</summary>
    public string? Sparse { get; init; }
    /// <summary><c>spoolLimit</c> in bytes (<see cref="ByteSize"/>).</summary>
    public long? SpoolLimit { get; init; }

    /// <summary><c>prioritizeFile</c> (relative paths are relative to the file's folder).</summary>
    public string? PrioritizeFile { get; init; }

    /// <summary>
    /// The values as <see cref="ConversionOptions"/>, each named by its key (<c>zstdLevel</c>, …) so that Core's rules name the key in an
    /// error; the command lays its flags over them.
    /// </summary>
    public ConversionOptions ToOptions() => new()
    {
        Variants = new("variants", Variants),
        Publish = new("publish", Publish),
        Level = new("level", Text(Level)),
        ZstdLevel = new("zstdLevel", Text(ZstdLevel)),
        GzipLevel = new("gzipLevel", Text(GzipLevel)),
        ChunkSize = new("chunkSize", Text(ChunkSize)),
        Jobs = new("jobs", Text(Jobs)),
        Strict = new("strict", Text(Strict)),
        Cache = new("cache", Text(Cache)),
        CacheDirectory = new("cacheDir", CacheDir),
        RegistryCache = new("registryCache", Text(RegistryCache)),
        CacheTo = new("cacheTo", CacheTo),
        CacheFrom = new("cacheFrom", CacheFrom is null ? null : string.Join(',', CacheFrom)),
        Prioritization = new("prioritizeFile", null),
        PrioritizationFile = new("prioritizeFile", PrioritizeFile),
        ZstdOrder = new("zstdOrder", ZstdOrder),
        Sparse = new("sparse", Sparse),
        SpoolLimit = new("spoolLimit", Text(SpoolLimit)),
    };

    private static string? Text(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? Text(bool? value) => value switch { true => "true", false => "false", null => null };

    /// <summary>Loads <paramref name="explicitPath"/>, or <c>./chunked.yaml</c> when it exists, or returns empty settings.</summary>
    /// <exception cref="ChunkedBuildException">CHB9001 naming the file, line and key for a malformed file; CHB9002 when an explicit file is missing.</exception>
    public static ToolSettings Load(string? explicitPath)
    {
        var path = explicitPath ?? (File.Exists(DefaultFileName) ? DefaultFileName : null);
        if (path is null) return new ToolSettings();
        if (!File.Exists(path)) throw new ChunkedBuildException(ErrorCodes.IoError, $"the settings file '{path}' does not exist");
        return Parse(File.ReadAllText(path), Path.GetFullPath(path));
    }

    /// <summary>Parses settings text; <paramref name="source"/> names the file in errors and anchors relative paths.</summary>
    public static ToolSettings Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw Error(source, e.Start.Line, $"is not valid YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" }) return new ToolSettings { Source = source };
        if (stream.Documents[0].RootNode is not YamlMappingNode root) throw Error(source, stream.Documents[0].RootNode.Start.Line, "must be a mapping of settings");
        var folder = Path.GetDirectoryName(source) ?? ".";
        var settings = new ToolSettings { Source = source };
        foreach (var (keyNode, value) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var line = keyNode.Start.Line;
            settings = key switch
            {
                "variants" => settings with { Variants = value is YamlSequenceNode seq ? string.Join(',', seq.Children.Select(c => Scalar(source, c, key))) : Scalar(source, value, key) },
                "publish" => settings with { Publish = Scalar(source, value, key) },
                "zstdOrder" => settings with { ZstdOrder = Scalar(source, value, key) },
                "sparse" => settings with { Sparse = OneOf(source, value, key, SparseModes.Names) },
                "level" => settings with { Level = (int)Number(source, value, key) },
                "zstdLevel" => settings with { ZstdLevel = (int)Number(source, value, key) },
                "gzipLevel" => settings with { GzipLevel = (int)Number(source, value, key) },
                "chunkSize" => settings with { ChunkSize = Number(source, value, key) },
                "jobs" => settings with { Jobs = (int)Number(source, value, key) },
                "strict" => settings with { Strict = Boolean(source, value, key) },
                "cache" => settings with { Cache = Boolean(source, value, key) },
                "registryCache" => settings with { RegistryCache = Boolean(source, value, key) },
                "cacheTo" => settings with { CacheTo = Scalar(source, value, key) },
                "cacheFrom" => settings with
                {
                    CacheFrom = value is YamlSequenceNode list ? [.. list.Children.Select(c => Scalar(source, c, key))]
                        : [.. Scalar(source, value, key).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                },
                "cacheDir" => settings with { CacheDir = Path.Combine(folder, ExpandHome(Scalar(source, value, key))) },
                "spoolLimit" => settings with
                {
                    SpoolLimit = ByteSize.TryParse(Scalar(source, value, key), out var limit) ? limit : throw Error(source, value.Start.Line, $"'{key}' must be {ByteSize.Form}"),
                },
                "prioritizeFile" => settings with { PrioritizeFile = Path.Combine(folder, ExpandHome(Scalar(source, value, key))) },
                _ => throw Error(source, line, $"has an unknown key '{key}' (known: {string.Join(", ", Keys)})"),
            };
        }
        return settings;
    }

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path;

    private static string Scalar(string source, YamlNode node, string key) =>
        node is YamlScalarNode { Value: { } v } ? v : throw Error(source, node.Start.Line, $"'{key}' must be a single value");

    private static string OneOf(string source, YamlNode node, string key, IReadOnlyList<string> allowed) =>
        Scalar(source, node, key) is var v && allowed.Contains(v) ? v : throw Error(source, node.Start.Line, $"'{key}' must be one of {string.Join(", ", allowed)}");

    private static long Number(string source, YamlNode node, string key) =>
        long.TryParse(Scalar(source, node, key), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= int.MinValue and <= int.MaxValue * 64L
            ? n : throw Error(source, node.Start.Line, $"'{key}' must be a whole number");

    private static bool Boolean(string source, YamlNode node, string key) => Scalar(source, node, key) switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        _ => throw Error(source, node.Start.Line, $"'{key}' must be true or false"),
    };

    private static ChunkedBuildException Error(string source, long line, string what) =>
        new(ErrorCodes.InvalidOption, $"{source}:{line}: the settings file {what}");
}
