using System.Globalization;
using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Formats;

namespace ChunkedBuild.Core.Conversion.Settings;

/// <summary>
/// The rules that turn a conversion's option texts into values: one method per option, the one place each rule lives, used by the tool
/// (flags and <c>chunked.yaml</c>), the MSBuild tasks (properties) and <see cref="ConversionOptions"/>. Every refusal is CHB9001 and names the
/// option as the user gave it (<see cref="OptionText.Name"/>). An option not given gives its default (null where the default is decided later).
/// </summary>
public static class ConversionSettings
{
    /// <summary>The most layers or compression threads at once that <see cref="Jobs"/> accepts.</summary>
    public const int MaxJobs = 1024;

    private static readonly (string, PublishMode)[] PublishModes = [("index", PublishMode.Index), ("tags", PublishMode.Tags)];
    private static readonly (string, bool)[] ZstdOrders = [("tar", false), ("prioritized", true)];
    private static readonly (string, PrioritizationMode)[] PrioritizationModes =
        [("auto", PrioritizationMode.Auto), ("none", PrioritizationMode.None), ("manifest", PrioritizationMode.Manifest), ("record", PrioritizationMode.Record)];

    /// <summary>The word a cache-folder option takes for "no cache" (<c>ChunkedCacheDirectory=none</c>, <c>--cache-dir none</c>).</summary>
    public const string NoCache = "none";

    /// <summary>
    /// The variants to produce: names (<see cref="LayerVariants.Names"/>, any spelling <see cref="LayerFormats.Find"/> knows) separated by
    /// <c>,</c> or <c>;</c>, in <see cref="LayerVariants.PublishOrder"/>; not given: <see cref="LayerVariants.Default"/>.
    /// </summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001 for an unknown name or a list naming none.</exception>
    public static IReadOnlyList<LayerVariant> Variants(OptionText option)
    {
        if (option.Text is null) return LayerVariants.Default;
        var variants = OptionRules.List(option)
            .Select(part => LayerVariants.Find(part) ?? throw option.Invalid($"names an unknown variant '{part}' (use {OptionRules.Alternatives(LayerVariants.Names)})"))
            .ToList();
        return variants.Count > 0 ? LayerVariants.InPublishOrder(variants) : throw option.Invalid("names no variant");
    }

    /// <summary><c>index</c> (default) or <c>tags</c>.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001: <c>--publish 'x' is not index or tags</c>.</exception>
    public static PublishMode Publish(OptionText option) => OptionRules.OneOf(option, PublishModes) ?? PublishMode.Index;

    /// <summary>A compression level: a whole number (its range depends on the format: <see cref="CheckLevel"/>), or null when not given.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001: <c>--level 'x' is not a whole number</c>.</exception>
    public static int? Level(OptionText option) => (int?)OptionRules.WholeNumber(option, int.MinValue, int.MaxValue);

    /// <summary>Checks <paramref name="level"/> against the level range of <paramref name="format"/>.</summary>
    /// <param name="name">The option that gave the level, as the user wrote it.</param>
    /// <param name="format">The format written at that level.</param>
    /// <param name="level">The level.</param>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001: <c>--level 10 is out of range for estargz (gzip levels are 0-9)</c>.</exception>
    public static void CheckLevel(string name, ILayerFormat format, long level)
    {
        var (min, max) = (format.Levels.Min, format.Levels.Max);
        if (level < min || level > max)
        {
            throw new OptionText(name, null).Invalid(string.Create(CultureInfo.InvariantCulture,
                $"{level} is out of range for {format.Name} ({format.Compression.ToString().ToLowerInvariant()} levels are {min}-{max})"));
        }
    }

    /// <summary>How many layers (image conversion) or compression threads (one layer) run at once: 1-<see cref="MaxJobs"/>, or null when not given.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001: <c>--jobs 'x' is not a whole number</c>, <c>--jobs 0 is out of range (1-1024)</c>.</exception>
    public static int? Jobs(OptionText option) => (int?)OptionRules.WholeNumber(option, 1, MaxJobs);

    /// <summary>The eStargz chunk size in bytes (<see cref="LayerFormats.ChunkSizes"/>), or null when not given.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001 for a value that is not a whole number in the range.</exception>
    public static long? ChunkSize(OptionText option) => OptionRules.WholeNumber(option, LayerFormats.ChunkSizes.Min, LayerFormats.ChunkSizes.Max);

    /// <summary>The most bytes a layer may spool to temporary files (<see cref="ByteSize"/>), or null when not given.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001: <c>--spool-limit 'x' is not a size (…)</c>.</exception>
    public static long? SpoolLimit(OptionText option) => OptionRules.Size(option);

    /// <summary>The zstd:chunked entry order: <c>tar</c> (default, false) or <c>prioritized</c> (true).</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001: <c>--zstd-order 'x' is not tar or prioritized</c>.</exception>
    public static bool ZstdPrioritizedOrder(OptionText option) => OptionRules.OneOf(option, ZstdOrders) ?? false;

    /// <summary>Sparse files: <c>densify</c> (default) or <c>refuse</c> (<see cref="SparseModes.Parse"/>).</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001: <c>--sparse 'x' is not densify or refuse</c>.</exception>
    public static SparseMode Sparse(OptionText option) => SparseModes.Parse(option.Text, option.Name);

    /// <summary>A layer format by name (<see cref="LayerFormats.Names"/>); not given: <see cref="LayerFormats.Default"/>.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001: <c>--format 'x' is not zstd-chunked or estargz</c>.</exception>
    public static ILayerFormat Format(OptionText option) =>
        !option.IsGiven ? LayerFormats.Default
            : LayerFormats.TryGet(option.Value) ?? throw option.Invalid($"'{option.Text}' is not {OptionRules.Alternatives(LayerFormats.Names)}");

    /// <summary>
    /// Where the files to fetch first come from: <paramref name="mode"/> <c>auto</c> (default), <c>none</c>, <c>manifest</c> or <c>record</c>,
    /// and the manifest or record <paramref name="file"/> (resolved against <paramref name="baseDirectory"/> when given). A file with mode
    /// <c>auto</c> is a manifest; <c>manifest</c> and <c>record</c> need a file.
    /// </summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001 for an unknown mode, or <c>manifest</c>/<c>record</c> without a file.</exception>
    public static (PrioritizationMode Mode, string? File) Prioritization(OptionText mode, OptionText file, string? baseDirectory)
    {
        var parsed = OptionRules.OneOf(mode, PrioritizationModes) ?? PrioritizationMode.Auto;
        var path = file.IsGiven ? Resolve(file.Value, baseDirectory) : null;
        if (path is not null && parsed == PrioritizationMode.Auto) parsed = PrioritizationMode.Manifest;
        if (path is null && parsed is PrioritizationMode.Manifest or PrioritizationMode.Record) throw mode.Invalid($"'{mode.Text}' needs {file.Name}");
        return (parsed, path);
    }

    /// <summary>
    /// The converted-layer cache folder: null when <paramref name="enabled"/> is false or the folder is <see cref="NoCache"/>; not given:
    /// <paramref name="defaultFolder"/> (<see cref="HostEnvironment.DefaultCacheDirectory"/>); else the folder, resolved against
    /// <paramref name="baseDirectory"/> when given.
    /// </summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001 when <paramref name="enabled"/> is not a boolean.</exception>
    public static string? CacheDirectory(OptionText enabled, OptionText folder, string defaultFolder, string? baseDirectory)
    {
        if (OptionRules.Boolean(enabled) == false) return null;
        if (!folder.IsGiven) return defaultFolder;
        return folder.Value.Equals(NoCache, StringComparison.OrdinalIgnoreCase) ? null : Resolve(folder.Value, baseDirectory);
    }

    /// <summary>
    /// The registry caches: <paramref name="enabled"/> a boolean (default true); <paramref name="cacheTo"/> one reference; <paramref name="cacheFrom"/>
    /// references separated by <c>,</c> or <c>;</c>.
    /// </summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001 when <paramref name="enabled"/> is not a boolean.</exception>
    public static RegistryCacheOptions RegistryCache(OptionText enabled, OptionText cacheTo, OptionText cacheFrom) => new()
    {
        Enabled = OptionRules.Boolean(enabled) ?? true,
        CacheTo = cacheTo.IsGiven ? cacheTo.Value : null,
        CacheFrom = OptionRules.List(cacheFrom),
    };

    private static string Resolve(string path, string? baseDirectory) => baseDirectory is null ? path : Path.GetFullPath(path, baseDirectory);
}
