using System.Globalization;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Registry;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// The process environment as Core sees it: an edge (the tool, the MSBuild task) reads the variables (<see cref="From"/> with the
/// process environment's lookup) and resolves the folders the system names (<see cref="HostFolders"/>: the temporary folder, the user's
/// home and application-data folders) once, and passes this record down; Core itself reads no variable and asks the system for no folder. Every variable
/// Core's behaviour depends on is parsed here, once, for every edge alike: <c>CHUNKEDBUILD_DEFLATE</c>, <c>CHUNKEDBUILD_ZSTD</c>,
/// <c>SOURCE_DATE_EPOCH</c>, the cache folder's <c>XDG_CACHE_HOME</c> / <c>HOME</c>; the registry credentials' variables
/// (<c>DOTNET_CONTAINER_*</c>, <c>REGISTRY_AUTH_FILE</c>, <c>DOCKER_CONFIG</c>, <c>XDG_RUNTIME_DIR</c>, <c>HOME</c>) are read through
/// <see cref="Variable"/> by <see cref="RegistrySettings"/>.
/// </summary>
public sealed record HostEnvironment
{
    /// <summary>The variable that pins eStargz's deflate engine: <c>libdeflate</c> or <c>zlib-ng</c> (<see cref="DeflateEngines"/>).</summary>
    public const string DeflateEngineVariable = "CHUNKEDBUILD_DEFLATE";

    /// <summary>The variable that forces the managed zstd encoder: <c>CHUNKEDBUILD_ZSTD=managed</c> (<see cref="ZstdEncoders"/>).</summary>
    public const string ZstdBackendVariable = "CHUNKEDBUILD_ZSTD";

    /// <summary>The reproducible-builds.org variable: the time used for every timestamp written (archives).</summary>
    public const string SourceDateEpochVariable = "SOURCE_DATE_EPOCH";

    /// <summary>Reads a variable as the edge passed it.</summary>
    public required Func<string, string?> Variable { get; init; }

    /// <summary>The folder for temporary files (the system's: <c>TMPDIR</c> or <c>/tmp</c>), as the edge resolved it.</summary>
    public required string TempDirectory { get; init; }

    /// <summary>The user's home folder, as the edge resolved it: where auth files are looked for when <c>HOME</c> is unset.</summary>
    public string? UserProfileDirectory { get; init; }

    /// <summary>The user's application-data folder, as the edge resolved it: the cache's parent when neither <c>XDG_CACHE_HOME</c> nor <c>HOME</c> is set.</summary>
    public required string LocalAppDataDirectory { get; init; }

    /// <summary>The deflate engine <c>CHUNKEDBUILD_DEFLATE</c> pins, or null: this machine's choice (<see cref="DeflateEngines.EngineFor"/>).</summary>
    public string? DeflateEngine { get; init; }

    /// <summary>Whether <c>CHUNKEDBUILD_ZSTD=managed</c> forces the managed zstd encoder (same bytes, slower).</summary>
    public bool ManagedZstd { get; init; }

    /// <summary>The time <c>SOURCE_DATE_EPOCH</c> names, or null when unset (archives then carry the Unix epoch).</summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>The default converted-layer cache folder: <c>$XDG_CACHE_HOME/chunkedbuild</c>, else <c>~/.cache/chunkedbuild</c> (<see cref="LayerStore.DefaultDirectory"/>).</summary>
    public string DefaultCacheDirectory => LayerStore.DefaultDirectory(Variable, LocalAppDataDirectory);

    /// <summary>Reads and checks the variables through <paramref name="variable"/>; <paramref name="folders"/> are the folders the edge resolved.</summary>
    /// <exception cref="ChunkedBuildException">CHB9001 for a variable set to a value it cannot take.</exception>
    public static HostEnvironment From(Func<string, string?> variable, HostFolders folders) => new()
    {
        Variable = variable,
        TempDirectory = folders.Temp,
        UserProfileDirectory = folders.UserProfile,
        LocalAppDataDirectory = folders.LocalAppData,
        DeflateEngine = variable(DeflateEngineVariable) switch
        {
            null or "" => null,
            var engine when engine is DeflateEngines.LibDeflate or DeflateEngines.ZlibNg => engine,
            var other => throw new ChunkedBuildException(ErrorCodes.InvalidOption,
                $"{DeflateEngineVariable}={other} is not an engine; use {DeflateEngines.LibDeflate} or {DeflateEngines.ZlibNg}"),
        },
        ManagedZstd = variable(ZstdBackendVariable) == "managed",
        SourceDateEpoch = ParseSourceDateEpoch(variable(SourceDateEpochVariable)),
    };

    /// <summary>Layer options with this environment's temporary folder and encoder choices.</summary>
    public FormatOptions FormatOptions() => Apply(new FormatOptions { TempDirectory = TempDirectory });

    /// <summary><paramref name="options"/> with this environment's encoder choices (an engine the options name already wins).</summary>
    public FormatOptions Apply(FormatOptions options) => options with { DeflateEngine = options.DeflateEngine ?? DeflateEngine, ManagedZstd = ManagedZstd };

    /// <summary><paramref name="request"/> with this environment's encoder choices.</summary>
    public ConversionRequest Apply(ConversionRequest request) => request with { DeflateEngine = request.DeflateEngine ?? DeflateEngine, ManagedZstd = ManagedZstd };

    private static DateTimeOffset? ParseSourceDateEpoch(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"{SourceDateEpochVariable}='{text}' is not a whole number of seconds since 1970");
    }
}
