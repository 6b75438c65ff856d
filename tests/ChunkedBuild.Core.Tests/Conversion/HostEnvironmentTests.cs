using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion;

/// <summary>The environment is parsed once, by <see cref="HostEnvironment"/>, into what Core's options carry.</summary>
public sealed class HostEnvironmentTests
{
    private static HostEnvironment With(params (string Name, string Value)[] variables) =>
        HostEnvironment.From(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Fact]
    public void An_empty_environment_pins_nothing()
    {
        var host = With();
        Assert.Null(host.DeflateEngine);
        Assert.False(host.ManagedZstd);
        Assert.Null(host.SourceDateEpoch);
        var options = host.Apply(new FormatOptions { Level = 6 });
        Assert.Equal((null, false, 6), (options.DeflateEngine, options.ManagedZstd, options.Level));
    }

    [Fact]
    public void The_variables_reach_the_options_and_the_request()
    {
        var host = With(("CHUNKEDBUILD_DEFLATE", "zlib-ng"), ("CHUNKEDBUILD_ZSTD", "managed"), ("SOURCE_DATE_EPOCH", "1700000000"),
            ("XDG_CACHE_HOME", "/x/cache"), ("HOME", "/home/u"));

        Assert.Equal(DeflateEngines.ZlibNg, host.Apply(new FormatOptions()).DeflateEngine);
        Assert.True(host.Apply(new FormatOptions()).ManagedZstd);
        Assert.Equal(DeflateEngines.LibDeflate, host.Apply(new FormatOptions { DeflateEngine = DeflateEngines.LibDeflate }).DeflateEngine);
        var request = host.Apply(new ConversionRequest());
        Assert.Equal((DeflateEngines.ZlibNg, true), (request.DeflateEngine, request.ManagedZstd));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), host.SourceDateEpoch);
        Assert.Equal(Path.Combine("/x/cache", "chunkedbuild"), host.DefaultCacheDirectory);
        Assert.Equal(Path.Combine("/home/u", ".cache", "chunkedbuild"), With(("HOME", "/home/u")).DefaultCacheDirectory);
        // The pinned engine is the one the cache key names.
        Assert.Equal(DeflateEngines.Identity(6, DeflateEngines.ZlibNg), LayerFormats.EStargz.EncoderIdentity(host.Apply(new FormatOptions { Level = 6 })));
    }

    [Theory]
    [InlineData("CHUNKEDBUILD_DEFLATE", "zlib", "CHUNKEDBUILD_DEFLATE=zlib is not an engine")]
    [InlineData("SOURCE_DATE_EPOCH", "yesterday", "SOURCE_DATE_EPOCH='yesterday' is not a whole number of seconds")]
    public void A_variable_it_cannot_take_is_a_coded_error_naming_it(string name, string value, string message)
    {
        var error = Assert.Throws<ChunkedBuildException>(() => With((name, value)));
        Assert.Equal(ErrorCodes.InvalidOption, error.Code);
        Assert.Contains(message, error.Message);
    }
}
