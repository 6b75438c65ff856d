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
        HostEnvironment.From(name => variables.FirstOrDefault(v => v.Name == name).Value, new HostFolders(Path.GetTempPath(), "/profile", "/appdata"));

    [Fact]
    public void An_empty_environment_pins_nothing()
    {
        var host = With();
        Assert.Null(host.DeflateEngine);
        Assert.False(host.ManagedZstd);
        Assert.Null(host.SourceDateEpoch);
        var options = host.Apply(new FormatOptions { TempDirectory = Path.GetTempPath(), Level = 6 });
        Assert.Equal((null, false, 6), (options.DeflateEngine, options.ManagedZstd, options.Level));
    }

    [Fact]
    public void The_variables_reach_the_options_and_the_request()
    {
        var host = With(("CHUNKEDBUILD_DEFLATE", "zlib-ng"), ("CHUNKEDBUILD_ZSTD", "managed"), ("SOURCE_DATE_EPOCH", "1700000000"),
            ("XDG_CACHE_HOME", "/x/cache"), ("HOME", "/home/u"));

        Assert.Equal(DeflateEngines.ZlibNg, host.Apply(new FormatOptions { TempDirectory = Path.GetTempPath() }).DeflateEngine);
        Assert.True(host.Apply(new FormatOptions { TempDirectory = Path.GetTempPath() }).ManagedZstd);
        Assert.Equal(DeflateEngines.LibDeflate, host.Apply(new FormatOptions { TempDirectory = Path.GetTempPath(), DeflateEngine = DeflateEngines.LibDeflate }).DeflateEngine);
        var request = host.Apply(new ConversionRequest { TempDirectory = Path.GetTempPath() });
        Assert.Equal((DeflateEngines.ZlibNg, true), (request.DeflateEngine, request.ManagedZstd));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), host.SourceDateEpoch);
        Assert.Equal(Path.Combine("/x/cache", "chunkedbuild"), host.DefaultCacheDirectory);
        Assert.Equal(Path.Combine("/home/u", ".cache", "chunkedbuild"), With(("HOME", "/home/u")).DefaultCacheDirectory);
        // The pinned engine is the one the cache key names.
        Assert.Equal(DeflateEngines.Identity(6, DeflateEngines.ZlibNg), LayerFormats.EStargz.EncoderIdentity(host.Apply(new FormatOptions { TempDirectory = Path.GetTempPath(), Level = 6 })));
    }

    [Fact]
    public void The_folders_the_edge_resolved_are_the_ones_Core_uses()
    {
        var host = HostEnvironment.From(_ => null, new HostFolders("/edge/tmp", "/edge/home", "/edge/appdata"));
        Assert.Equal("/edge/tmp", host.FormatOptions().TempDirectory);
        Assert.Equal("/edge/tmp", new Core.Conversion.Settings.ConversionOptions().ToRequest(host).TempDirectory);
        // Neither XDG_CACHE_HOME nor HOME: the cache lives in the application-data folder the edge named.
        Assert.Equal(Path.Combine("/edge/appdata", "chunkedbuild"), host.DefaultCacheDirectory);
        // Without HOME, the auth files are looked for in the home folder the edge named, and nowhere when it named none.
        Assert.Equal([Path.Combine("/edge/home", ".config", "containers", "auth.json"), Path.Combine("/edge/home", ".docker", "config.json")],
            new Core.Registry.Auth.AuthFileCredentialProvider(_ => null, host.UserProfileDirectory).CandidateFiles());
        Assert.Empty(new Core.Registry.Auth.AuthFileCredentialProvider(_ => null).CandidateFiles());
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
