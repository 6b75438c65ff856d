using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Formats;

namespace ChunkedBuild.Core.Conversion.Settings;

/// <summary>
/// An image conversion's options as an edge received them, each under the name the user gave it (<see cref="OptionText"/>): the tool maps
/// its flags and <c>chunked.yaml</c> keys here, the MSBuild task its properties. <see cref="ToRequest"/> applies the rules of
/// <see cref="ConversionSettings"/> and gives the validated <see cref="ConversionRequest"/>; the edges parse nothing themselves.
/// </summary>
public sealed record ConversionOptions
{
    /// <summary>The variants (<see cref="ConversionSettings.Variants"/>).</summary>
    public OptionText Variants { get; init; }

    /// <summary><c>index</c> or <c>tags</c> (<see cref="ConversionSettings.Publish"/>).</summary>
    public OptionText Publish { get; init; }

    /// <summary>The level for every format (<see cref="ConversionSettings.Level"/>).</summary>
    public OptionText Level { get; init; }

    /// <summary>The zstd level, over <see cref="Level"/> for zstd:chunked.</summary>
    public OptionText ZstdLevel { get; init; }

    /// <summary>The gzip level, over <see cref="Level"/> for eStargz.</summary>
    public OptionText GzipLevel { get; init; }

    /// <summary>The eStargz chunk size (<see cref="ConversionSettings.ChunkSize"/>).</summary>
    public OptionText ChunkSize { get; init; }

    /// <summary>Layers converted at once (<see cref="ConversionSettings.Jobs"/>; default: one per core).</summary>
    public OptionText Jobs { get; init; }

    /// <summary>A boolean: fail instead of keeping a layer a format cannot represent.</summary>
    public OptionText Strict { get; init; }

    /// <summary>A boolean: false turns the converted-layer cache off.</summary>
    public OptionText Cache { get; init; }

    /// <summary>The converted-layer cache folder (<see cref="ConversionSettings.CacheDirectory"/>).</summary>
    public OptionText CacheDirectory { get; init; }

    /// <summary>A boolean: false turns the registry cache off (<see cref="ConversionSettings.RegistryCache"/>).</summary>
    public OptionText RegistryCache { get; init; }

    /// <summary>The registry cache new conversions are recorded in.</summary>
    public OptionText CacheTo { get; init; }

    /// <summary>More registry caches to read, separated by <c>,</c> or <c>;</c>.</summary>
    public OptionText CacheFrom { get; init; }

    /// <summary><c>auto</c>, <c>none</c>, <c>manifest</c> or <c>record</c> (<see cref="ConversionSettings.Prioritization"/>).</summary>
    public OptionText Prioritization { get; init; }

    /// <summary>The prioritization manifest or access record.</summary>
    public OptionText PrioritizationFile { get; init; }

    /// <summary><c>tar</c> or <c>prioritized</c> (<see cref="ConversionSettings.ZstdPrioritizedOrder"/>).</summary>
    public OptionText ZstdOrder { get; init; }

    /// <summary><c>densify</c> or <c>refuse</c> (<see cref="ConversionSettings.Sparse"/>).</summary>
    public OptionText Sparse { get; init; }

    /// <summary>The most bytes a layer may spool (<see cref="ConversionSettings.SpoolLimit"/>).</summary>
    public OptionText SpoolLimit { get; init; }

    /// <summary>
    /// The validated request, with <paramref name="host"/>'s temporary folder, encoder choices and default cache folder; relative paths are resolved against
    /// <paramref name="baseDirectory"/> when given (the project folder of an MSBuild task), else kept as given.
    /// </summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001 naming the first option whose text a rule refuses.</exception>
    public ConversionRequest ToRequest(HostEnvironment host, string? baseDirectory = null)
    {
        var variants = ConversionSettings.Variants(Variants);
        var (prioritization, file) = ConversionSettings.Prioritization(Prioritization, PrioritizationFile, baseDirectory);
        var request = new ConversionRequest
        {
            TempDirectory = host.TempDirectory,
            Variants = variants,
            Publish = ConversionSettings.Publish(Publish),
            Level = ConversionSettings.Level(Level),
            ZstdLevel = ConversionSettings.Level(ZstdLevel),
            GzipLevel = ConversionSettings.Level(GzipLevel),
            ChunkSize = ConversionSettings.ChunkSize(ChunkSize) ?? LayerFormats.ChunkSizes.Default,
            Jobs = ConversionSettings.Jobs(Jobs) ?? Environment.ProcessorCount,
            Strict = OptionRules.Boolean(Strict) ?? false,
            Sparse = ConversionSettings.Sparse(Sparse),
            CacheDirectory = ConversionSettings.CacheDirectory(Cache, CacheDirectory, host.DefaultCacheDirectory, baseDirectory),
            RegistryCache = ConversionSettings.RegistryCache(RegistryCache, CacheTo, CacheFrom),
            Prioritization = prioritization,
            PrioritizationFile = file,
            ZstdPrioritizedOrder = ConversionSettings.ZstdPrioritizedOrder(ZstdOrder),
            SpoolLimit = ConversionSettings.SpoolLimit(SpoolLimit),
        };
        foreach (var format in variants.Select(v => v.Format()).OfType<ILayerFormat>())
        {
            var option = format.Compression == LayerCompression.Zstd ? OptionText.FirstGiven(ZstdLevel, Level) : OptionText.FirstGiven(GzipLevel, Level);
            if (request.LevelFor(format) is { } level) ConversionSettings.CheckLevel(option.Name, format, level);
        }
        return host.Apply(request);
    }
}
