using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Conversion.Settings;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion.Settings;

/// <summary>
/// Each rule of <see cref="ConversionSettings"/>: the values it accepts, and for a value it refuses CHB9001 with a message that names
/// the option as the edge passed it (a flag, a chunked.yaml key, an MSBuild property).
/// </summary>
public sealed class ConversionSettingsTests
{
    private static void Refused(Action rule, string name, string because)
    {
        var error = Assert.Throws<ChunkedBuildException>(rule);
        Assert.Equal(ErrorCodes.InvalidOption, error.Code);
        Assert.StartsWith($"{ErrorCodes.InvalidOption}: {name} ", error.Message, StringComparison.Ordinal);
        Assert.Contains(because, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, new[] { LayerVariant.EStargz, LayerVariant.ZstdChunked })]
    [InlineData("zstd-chunked", new[] { LayerVariant.ZstdChunked })]
    [InlineData("zstd-chunked;original, estargz", new[] { LayerVariant.EStargz, LayerVariant.Original, LayerVariant.ZstdChunked })]
    [InlineData("ORIGINAL,zstd:chunked", new[] { LayerVariant.Original, LayerVariant.ZstdChunked })]
    public void Variants_accept_names_separated_by_commas_or_semicolons_in_publish_order(string? text, LayerVariant[] expected) =>
        Assert.Equal(expected, ConversionSettings.Variants(new("ChunkedVariants", text)));

    [Theory]
    [InlineData("squashfs", "unknown variant 'squashfs' (use estargz, zstd-chunked or original)")]
    [InlineData(" ; ", "names no variant")]
    [InlineData("", "names no variant")]
    public void Variants_refuse_unknown_names_and_empty_lists(string text, string because)
    {
        Refused(() => ConversionSettings.Variants(new("--variant", text)), "--variant", because);
        Refused(() => ConversionSettings.Variants(new("ChunkedVariants", text)), "ChunkedVariants", because);
    }

    [Theory]
    [InlineData(null, PublishMode.Index)]
    [InlineData("", PublishMode.Index)]
    [InlineData("index", PublishMode.Index)]
    [InlineData(" Tags ", PublishMode.Tags)]
    public void Publish_accepts_index_and_tags(string? text, PublishMode expected) => Assert.Equal(expected, ConversionSettings.Publish(new("--publish", text)));

    [Fact]
    public void Publish_refuses_anything_else() =>
        Refused(() => ConversionSettings.Publish(new("publish", "both")), "publish", "'both' is not index or tags");

    [Theory]
    [InlineData(null, null)]
    [InlineData("7", 7)]
    [InlineData(" -1 ", -1)]
    public void Level_is_a_whole_number(string? text, int? expected) => Assert.Equal(expected, ConversionSettings.Level(new("--level", text)));

    [Fact]
    public void Level_refuses_what_is_not_a_whole_number() =>
        Refused(() => ConversionSettings.Level(new("ChunkedCompressionLevel", "three")), "ChunkedCompressionLevel", "'three' is not a whole number");

    [Fact]
    public void A_level_is_checked_against_its_formats_range()
    {
        ConversionSettings.CheckLevel("--level", LayerFormats.EStargz, 0);
        ConversionSettings.CheckLevel("--level", LayerFormats.ZstdChunked, 22);
        Refused(() => ConversionSettings.CheckLevel("--level", LayerFormats.EStargz, 10), "--level", "10 is out of range for estargz (gzip levels are 0-9)");
        Refused(() => ConversionSettings.CheckLevel("zstdLevel", LayerFormats.ZstdChunked, 0), "zstdLevel", "0 is out of range for zstd-chunked (zstd levels are 1-22)");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("1", 1)]
    [InlineData("1024", 1024)]
    public void Jobs_are_1_to_1024(string? text, int? expected) => Assert.Equal(expected, ConversionSettings.Jobs(new("--jobs", text)));

    [Theory]
    [InlineData("0", "0 is out of range (1-1024)")]
    [InlineData("1025", "1025 is out of range (1-1024)")]
    [InlineData("many", "'many' is not a whole number")]
    public void Jobs_refuse_other_values(string text, string because) => Refused(() => ConversionSettings.Jobs(new("jobs", text)), "jobs", because);

    [Fact]
    public void Chunk_size_is_in_the_formats_range()
    {
        Assert.Equal(1, ConversionSettings.ChunkSize(new("--chunk-size", "1")));
        Assert.Equal(LayerFormats.ChunkSizes.Max, ConversionSettings.ChunkSize(new("--chunk-size", LayerFormats.ChunkSizes.Max.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Refused(() => ConversionSettings.ChunkSize(new("--chunk-size", "0")), "--chunk-size", "0 is out of range (1-");
        Refused(() => ConversionSettings.ChunkSize(new("chunkSize", "4M")), "chunkSize", "'4M' is not a whole number");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("1073741824", 1L << 30)]
    [InlineData("8G", 8L << 30)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("64k", 64L << 10)]
    public void Spool_limit_is_a_byte_size(string? text, long? expected) => Assert.Equal(expected, ConversionSettings.SpoolLimit(new("--spool-limit", text)));

    [Theory]
    [InlineData("lots")]
    [InlineData("0")]
    [InlineData("-5G")]
    [InlineData("99999999999T")]
    public void Spool_limit_refuses_what_is_not_a_positive_size(string text) =>
        Refused(() => ConversionSettings.SpoolLimit(new("spoolLimit", text)), "spoolLimit", $"'{text}' is not a size");

    [Theory]
    [InlineData(null, false)]
    [InlineData("tar", false)]
    [InlineData("prioritized", true)]
    public void Zstd_order_is_tar_or_prioritized(string? text, bool expected) => Assert.Equal(expected, ConversionSettings.ZstdPrioritizedOrder(new("--zstd-order", text)));

    [Fact]
    public void Zstd_order_refuses_anything_else() =>
        Refused(() => ConversionSettings.ZstdPrioritizedOrder(new("zstdOrder", "fast")), "zstdOrder", "'fast' is not tar or prioritized");

    [Theory]
    [InlineData(null, SparseMode.Densify)]
    [InlineData("refuse", SparseMode.Refuse)]
    [InlineData(" DENSIFY", SparseMode.Densify)]
    public void Sparse_is_densify_or_refuse(string? text, SparseMode expected) => Assert.Equal(expected, ConversionSettings.Sparse(new("ChunkedSparse", text)));

    [Fact]
    public void Sparse_refuses_anything_else() =>
        Refused(() => ConversionSettings.Sparse(new("ChunkedSparse", "maybe")), "ChunkedSparse", "'maybe' is not densify or refuse");

    [Fact]
    public void Format_names_a_layer_format()
    {
        Assert.Same(LayerFormats.Default, ConversionSettings.Format(new("--format", null)));
        Assert.Same(LayerFormats.EStargz, ConversionSettings.Format(new("Format", "estargz")));
        Refused(() => ConversionSettings.Format(new("--format", "squashfs")), "--format", "'squashfs' is not zstd-chunked or estargz");
    }

    [Fact]
    public void Prioritization_takes_a_mode_and_a_file()
    {
        var mode = (string? text) => new OptionText("ChunkedPrioritization", text);
        var file = (string? text) => new OptionText("ChunkedPrioritizationFile", text);
        Assert.Equal((PrioritizationMode.Auto, null), ConversionSettings.Prioritization(mode(null), file(null), null));
        Assert.Equal((PrioritizationMode.Manifest, "p.yaml"), ConversionSettings.Prioritization(mode(""), file("p.yaml"), null));
        Assert.Equal((PrioritizationMode.Record, Path.Combine("/project", "r.txt")), ConversionSettings.Prioritization(mode("Record"), file("r.txt"), "/project"));
        Assert.Equal((PrioritizationMode.None, null), ConversionSettings.Prioritization(mode("none"), file(null), null));
        Refused(() => ConversionSettings.Prioritization(mode("sometimes"), file(null), null), "ChunkedPrioritization", "'sometimes' is not auto, none, manifest or record");
        Refused(() => ConversionSettings.Prioritization(mode("manifest"), file(" "), null), "ChunkedPrioritization", "'manifest' needs ChunkedPrioritizationFile");
    }

    [Fact]
    public void The_cache_folder_is_the_default_a_folder_or_none()
    {
        var on = new OptionText("cache", null);
        Assert.Equal("/default", ConversionSettings.CacheDirectory(on, new("--cache-dir", null), "/default", null));
        Assert.Equal("rel", ConversionSettings.CacheDirectory(on, new("--cache-dir", "rel"), "/default", null));
        Assert.Equal(Path.Combine("/project", "rel"), ConversionSettings.CacheDirectory(on, new("ChunkedCacheDirectory", "rel"), "/default", "/project"));
        Assert.Null(ConversionSettings.CacheDirectory(on, new("ChunkedCacheDirectory", "None"), "/default", "/project"));
        Assert.Null(ConversionSettings.CacheDirectory(new("--no-cache", "false"), new("--cache-dir", "rel"), "/default", null));
        Refused(() => ConversionSettings.CacheDirectory(new("cache", "sometimes"), default, "/default", null), "cache", "'sometimes' is not true or false");
    }

    [Fact]
    public void The_registry_cache_is_a_switch_and_lists_of_references()
    {
        var options = ConversionSettings.RegistryCache(new("ChunkedRegistryCache", "TRUE"), new("ChunkedCacheTo", " r/cache "), new("ChunkedCacheFrom", "a/b; c/d ,e/f"));
        Assert.Equal((true, "r/cache"), (options.Enabled, options.CacheTo));
        Assert.Equal(["a/b", "c/d", "e/f"], options.CacheFrom);
        Assert.False(ConversionSettings.RegistryCache(new("registryCache", "off"), default, default).Enabled);
        Assert.True(ConversionSettings.RegistryCache(new("ChunkedRegistryCache", ""), default, default).Enabled);
        Refused(() => ConversionSettings.RegistryCache(new("ChunkedRegistryCache", "maybe"), default, default), "ChunkedRegistryCache", "'maybe' is not true or false");
    }
}
