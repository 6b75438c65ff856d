using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry;

public sealed class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("alpine", "docker.io", "library/alpine", "latest", null, "docker.io/library/alpine:latest")]
    [InlineData("alpine:3.20", "docker.io", "library/alpine", "3.20", null, "docker.io/library/alpine:3.20")]
    [InlineData("user/app", "docker.io", "user/app", "latest", null, "docker.io/user/app:latest")]
    [InlineData("docker.io/alpine", "docker.io", "library/alpine", "latest", null, "docker.io/library/alpine:latest")]
    [InlineData("index.docker.io/library/alpine:1", "docker.io", "library/alpine", "1", null, "docker.io/library/alpine:1")]
    [InlineData("ghcr.io/org/team/app:v1.2-rc_3", "ghcr.io", "org/team/app", "v1.2-rc_3", null, "ghcr.io/org/team/app:v1.2-rc_3")]
    [InlineData("localhost/app", "localhost", "app", "latest", null, "localhost/app:latest")]
    [InlineData("127.0.0.1:5000/a/b:t", "127.0.0.1:5000", "a/b", "t", null, "127.0.0.1:5000/a/b:t")]
    [InlineData("[::1]:5000/app", "[::1]:5000", "app", "latest", null, "[::1]:5000/app:latest")]
    [InlineData("localhost:5000/my_app__x/a-b.c@sha256:" + Hex, "localhost:5000", "my_app__x/a-b.c", null, "sha256:" + Hex, "localhost:5000/my_app__x/a-b.c@sha256:" + Hex)]
    [InlineData("reg.example.com/app:t@sha256:" + Hex, "reg.example.com", "app", "t", "sha256:" + Hex, "reg.example.com/app:t@sha256:" + Hex)]
    public void Parses_and_normalizes(string text, string registry, string repository, string? tag, string? digest, string canonical)
    {
        var reference = ImageReference.Parse(text);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest?.ToString());
        Assert.Equal(canonical, reference.ToString());
        Assert.Equal(reference, ImageReference.Parse(canonical));
    }

    [Fact]
    public void Docker_hub_is_served_by_registry_1()
    {
        Assert.Equal("registry-1.docker.io", ImageReference.Parse("alpine").ApiHost);
        Assert.Equal("ghcr.io", ImageReference.Parse("ghcr.io/a/b").ApiHost);
        Assert.Equal("sha256:" + Hex, ImageReference.Parse("a/b:t@sha256:" + Hex).ManifestReference);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Alpine")]
    [InlineData("ghcr.io/Org/app")]
    [InlineData("app:")]
    [InlineData("app:-bad")]
    [InlineData("app@sha256:abc")]
    [InlineData("app@md5:" + Hex)]
    [InlineData("ghcr.io/")]
    [InlineData("ghcr.io/a//b")]
    [InlineData("ghcr.io/a/-b")]
    [InlineData("a/b_")]
    [InlineData("bad_host:5000/app")]
    public void Refuses_malformed_references_with_a_code(string text)
    {
        var error = Assert.Throws<ChunkedBuildException>(() => ImageReference.Parse(text));
        Assert.Equal(ErrorCodes.InvalidImageReference, error.Code);
    }

    [Theory]
    [InlineData("ci:Pw-s3cret-42@ghcr.io/org/app:1", "Pw-s3cret-42")]
    [InlineData("ghp_Tok3n42@ghcr.io/org/app", "ghp_Tok3n42")]
    [InlineData("ci:p@ss-42:w@127.0.0.1:5000/app", "ss-42")]
    public void A_reference_with_credentials_is_refused_without_echoing_them(string text, string secret)
    {
        var error = Assert.Throws<ChunkedBuildException>(() => ImageReference.Parse(text));
        Assert.Equal(ErrorCodes.InvalidImageReference, error.Code);
        Assert.Contains("user-info", error.Message);
        Assert.Contains("<redacted>@", error.Message);
        Assert.DoesNotContain(secret, error.ToString());
    }

    [Fact]
    public void Loopback_and_listed_hosts_are_insecure()
    {
        var options = new RegistryClientOptions().FromEnvironment(name => name == RegistryClientOptions.InsecureRegistriesVariable ? "reg.lan:5000; other:1" : null);
        Assert.True(options.IsInsecure("reg.lan:5000"));
        Assert.True(options.IsInsecure("OTHER:1"));
        Assert.False(options.IsInsecure("reg.lan"));
        Assert.True(options.IsInsecure("localhost:5000"));
        Assert.True(options.IsInsecure("127.0.0.1:5001"));
        Assert.True(options.IsInsecure("[::1]:5000"));
        Assert.False(options.IsInsecure("ghcr.io"));
        Assert.True((options with { Insecure = true }).IsInsecure("ghcr.io"));
    }

    [Theory]
    [InlineData("0-1023", 1024L)]
    [InlineData("bytes=0-9", 10L)]
    [InlineData("0-0", null)]
    [InlineData("5-9", null)]
    [InlineData("garbage", null)]
    [InlineData(null, null)]
    public void Resume_offsets_come_from_the_range_header(string? range, long? offset) => Assert.Equal(offset, RegistryQuirks.ResumeOffset(range));
}

public sealed class RegistryImageTransportTests
{
    [Fact]
    public async Task Docker_locations_open_registry_sources_and_sinks_with_the_reference_tag()
    {
        var transports = new ChunkedBuild.Core.Transports.ImageTransports(new ChunkedBuild.Core.Transports.RegistryImageTransport(new RegistryClientOptions()), null);
        await using var sink = transports.OpenSink("docker://127.0.0.1:5000/apps/x:2.0", out var tag);
        Assert.Equal("2.0", tag);
        Assert.Equal("docker://127.0.0.1:5000/apps/x", sink.DisplayName);
        await using var hub = transports.OpenSink("docker://alpine", out var hubTag);
        Assert.Equal("latest", hubTag);
        await using var source = transports.OpenSource("docker://ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        Assert.Equal("docker://ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", source.DisplayName);
    }
}
