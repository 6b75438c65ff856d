using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Prioritization.Manifests;

/// <summary>
/// A prioritization manifest: the user's ordered list of files to place first in each layer (docs/prioritization.md,
/// JSON Schema in schemas/prioritization.schema.json). YAML of this shape:
/// <code>
/// version: 1
/// files: [/app/MyApp.dll, /app/*.json, "**/libcoreclr.so"]   # ordered include patterns
/// exclude: ["**/*.pdb"]                                        # excludes win over files
/// platforms:                                                   # optional, keyed os/arch[/variant]
///   linux/arm64: { files: [...], exclude: [...], inherit: true }
/// </code>
/// </summary>
public sealed class PrioritizationManifest
{
    /// <summary>The only schema version this build reads.</summary>
    public const int CurrentVersion = 1;

    internal PrioritizationManifest(string sourceName, int version, IReadOnlyList<PathPattern> files, IReadOnlyList<PathPattern> exclude,
        IReadOnlyDictionary<string, PlatformPrioritization> platforms)
    {
        SourceName = sourceName;
        Version = version;
        Files = files;
        Exclude = exclude;
        Platforms = platforms;
    }

    /// <summary>The file name (or other name) the manifest was read from, used in messages.</summary>
    public string SourceName { get; }

    /// <summary>The schema version (<c>version</c>).</summary>
    public int Version { get; }

    /// <summary>Top-level include patterns, in priority order (<c>files</c>).</summary>
    public IReadOnlyList<PathPattern> Files { get; }

    /// <summary>Top-level exclude patterns (<c>exclude</c>).</summary>
    public IReadOnlyList<PathPattern> Exclude { get; }

    /// <summary>Per-platform rules keyed <c>os/arch</c> or <c>os/arch/variant</c> (<c>platforms</c>).</summary>
    public IReadOnlyDictionary<string, PlatformPrioritization> Platforms { get; }

    /// <summary>Reads and parses the manifest at <paramref name="path"/>.</summary>
    /// <exception cref="ChunkedBuildException"><see cref="ErrorCodes.InvalidPrioritizationManifest"/> or <see cref="ErrorCodes.IoError"/>.</exception>
    public static PrioritizationManifest Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot read prioritization manifest '{path}': {e.Message}", innerException: e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses manifest YAML; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="ChunkedBuildException"><see cref="ErrorCodes.InvalidPrioritizationManifest"/>, naming the source, line and rule.</exception>
    public static PrioritizationManifest Parse(string yaml, string sourceName) => PrioritizationManifestParser.Parse(yaml, sourceName);

    /// <summary>
    /// The compiled rules for <paramref name="platform"/>: the top-level lists combined with every matching
    /// <see cref="Platforms"/> entry, the <c>os/arch</c> key before the <c>os/arch/variant</c> key.
    /// </summary>
    public PathPrioritizer ForPlatform(Platform? platform)
    {
        var files = new List<PathPattern>(Files);
        var exclude = new List<PathPattern>(Exclude);
        foreach (var rules in MatchingPlatforms(platform))
        {
            if (!rules.Inherit)
            {
                files.Clear();
                exclude.Clear();
            }
            files.AddRange(rules.Files);
            exclude.AddRange(rules.Exclude);
        }
        return new PathPrioritizer(files, exclude);
    }

    private IEnumerable<PlatformPrioritization> MatchingPlatforms(Platform? platform)
    {
        if (platform?.Os is null || platform.Architecture is null) yield break;
        var osArch = $"{platform.Os}/{platform.Architecture}";
        if (Platforms.TryGetValue(osArch, out var general)) yield return general;
        if (platform.Variant is { Length: > 0 } variant && Platforms.TryGetValue($"{osArch}/{variant}", out var specific))
            yield return specific;
    }
}
