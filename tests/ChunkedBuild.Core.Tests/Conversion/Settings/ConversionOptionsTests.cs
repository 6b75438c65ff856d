using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Conversion.Settings;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion.Settings;

/// <summary><see cref="ConversionOptions"/>: the option texts of either edge become one validated <see cref="ConversionRequest"/>.</summary>
public sealed class ConversionOptionsTests
{
    private static readonly HostEnvironment Host = HostEnvironment.From(name => name switch
    {
        "XDG_CACHE_HOME" => "/x/cache",
        HostEnvironment.DeflateEngineVariable => DeflateEngines.ZlibNg,
        _ => null,
    }, new HostFolders("/tmp/x", "/home/u", "/appdata"));

    [Fact]
    public void No_option_gives_the_defaults_and_the_hosts_choices()
    {
        var request = new ConversionOptions().ToRequest(Host);
        var defaults = new ConversionRequest { TempDirectory = "/tmp/x" };
        Assert.Equal(defaults.Variants, request.Variants);
        Assert.Equal((defaults.Publish, defaults.Level, defaults.ChunkSize, defaults.Jobs, defaults.Strict, defaults.Sparse, defaults.Prioritization),
            (request.Publish, request.Level, request.ChunkSize, request.Jobs, request.Strict, request.Sparse, request.Prioritization));
        Assert.Equal((Path.Combine("/x/cache", "chunkedbuild"), true, DeflateEngines.ZlibNg, "/tmp/x"),
            (request.CacheDirectory, request.RegistryCache.Enabled, request.DeflateEngine, request.TempDirectory));
    }

    [Fact]
    public void The_tasks_properties_become_the_request()
    {
        var request = new ConversionOptions
        {
            Variants = new("ChunkedVariants", "zstd-chunked;estargz,original"),
            Publish = new("ChunkedPublish", "tags"),
            Level = new("ChunkedCompressionLevel", "5"),
            Prioritization = new("ChunkedPrioritization", "record"),
            PrioritizationFile = new("ChunkedPrioritizationFile", "access.txt"),
            CacheDirectory = new("ChunkedCacheDirectory", "none"),
            RegistryCache = new("ChunkedRegistryCache", "false"),
            Sparse = new("ChunkedSparse", "refuse"),
        }.ToRequest(Host, "/project");
        Assert.Equal([LayerVariant.EStargz, LayerVariant.Original, LayerVariant.ZstdChunked], request.Variants);
        Assert.Equal((PublishMode.Tags, 5, PrioritizationMode.Record, Path.Combine("/project", "access.txt")),
            (request.Publish, request.Level, request.Prioritization, request.PrioritizationFile));
        Assert.Equal((null, false, SparseMode.Refuse), (request.CacheDirectory, request.RegistryCache.Enabled, request.Sparse));
    }

    [Fact]
    public void The_tools_options_become_the_request()
    {
        var request = new ConversionOptions
        {
            ZstdLevel = new("--zstd-level", "19"),
            GzipLevel = new("gzipLevel", "1"),
            ChunkSize = new("--chunk-size", "1048576"),
            Jobs = new("--jobs", "3"),
            Strict = new("--strict", "true"),
            ZstdOrder = new("zstdOrder", "prioritized"),
            SpoolLimit = new("--spool-limit", "8G"),
            CacheTo = new("--cache-to", "r/c"),
            CacheFrom = new("--cache-from", "r/a,r/b"),
        }.ToRequest(Host);
        Assert.Equal((19, 1, 1L << 20, 3, true, true, 8L << 30), (request.ZstdLevel, request.GzipLevel, request.ChunkSize, request.Jobs, request.Strict, request.ZstdPrioritizedOrder, request.SpoolLimit));
        Assert.Equal("r/c", request.RegistryCache.CacheTo);
        Assert.Equal(["r/a", "r/b"], request.RegistryCache.CacheFrom);
    }

    [Theory]
    [InlineData("ChunkedCompressionLevel", null, null, "estargz;zstd-chunked", "ChunkedCompressionLevel 12 is out of range for estargz (gzip levels are 0-9)")]
    [InlineData("--level", null, null, "zstd-chunked", null)]
    [InlineData("--level", "--zstd-level", null, "estargz,zstd-chunked", "--level 12 is out of range for estargz")]
    [InlineData("--level", null, "gzipLevel", "estargz,zstd-chunked", null)]
    public void A_level_is_checked_for_each_variants_format_under_the_option_that_gave_it(string levelName, string? zstdName, string? gzipName, string variants, string? error)
    {
        var options = new ConversionOptions
        {
            Variants = new("variants", variants),
            Level = new(levelName, "12"),
            ZstdLevel = new(zstdName ?? "zstdLevel", zstdName is null ? null : "3"),
            GzipLevel = new(gzipName ?? "gzipLevel", gzipName is null ? null : "6"),
        };
        if (error is null)
        {
            options.ToRequest(Host);
            return;
        }
        var refused = Assert.Throws<ChunkedBuildException>(() => options.ToRequest(Host));
        Assert.Equal(ErrorCodes.InvalidOption, refused.Code);
        Assert.StartsWith($"{ErrorCodes.InvalidOption}: {error}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_refused_option_is_named()
    {
        var refused = Assert.Throws<ChunkedBuildException>(() => new ConversionOptions { Jobs = new("jobs", "0"), Publish = new("ChunkedPublish", "x") }.ToRequest(Host));
        Assert.Equal((ErrorCodes.InvalidOption, "CHB9001: ChunkedPublish 'x' is not index or tags"), (refused.Code, refused.Message));
    }
}
