using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry.Auth;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry.Auth;

public class AuthChallengeTests
{
    [Fact]
    public void Distribution_bearer_challenge_with_quoted_params()
    {
        var c = Assert.Single(AuthChallenge.Parse(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/alpine:pull,push repository:a/b:pull\",error=\"insufficient_scope\""));
        Assert.True(c.Is("bearer"));
        Assert.Equal("https://auth.docker.io/token", c["realm"]);
        Assert.Equal("registry.docker.io", c["SERVICE"]);
        Assert.Equal("repository:library/alpine:pull,push repository:a/b:pull", c["scope"]);
        Assert.Equal("insufficient_scope", c["error"]);
        Assert.Null(c.Token68);
    }

    [Fact]
    public void Several_challenges_in_one_value_with_spaces_and_empty_list_elements()
    {
        var all = AuthChallenge.Parse("Basic realm=\"Registry Realm\" , charset=UTF-8, ,Bearer realm=\"https://r/t\", service=svc,Negotiate");
        Assert.Equal(["Basic", "Bearer", "Negotiate"], all.Select(c => c.Scheme));
        Assert.Equal("Registry Realm", all[0]["realm"]);
        Assert.Equal("UTF-8", all[0]["charset"]);
        Assert.Equal("https://r/t", all[1]["realm"]);
        Assert.Equal("svc", all[1]["service"]);
        Assert.Empty(all[2].Parameters);
    }

    [Fact]
    public void Several_header_values_are_concatenated()
    {
        var all = AuthChallenge.ParseAll(["Basic realm=\"a\"", "Bearer realm=\"b\",service=\"c\""]);
        Assert.Equal(["Basic", "Bearer"], all.Select(c => c.Scheme));
    }

    [Fact]
    public void Quoted_pairs_commas_and_equals_inside_quotes()
    {
        var c = Assert.Single(AuthChallenge.Parse("Bearer realm=\"a,b=c \\\"q\\\" \\\\ d\", service = \"x\""));
        Assert.Equal("a,b=c \"q\" \\ d", c["realm"]);
        Assert.Equal("x", c["service"]);
    }

    [Fact]
    public void Unquoted_url_values_are_accepted()
    {
        var c = Assert.Single(AuthChallenge.Parse("Bearer realm=https://ghcr.io/token?x=1,service=ghcr.io"));
        Assert.Equal("https://ghcr.io/token?x=1", c["realm"]);
        Assert.Equal("ghcr.io", c["service"]);
    }

    [Theory]
    [InlineData("Negotiate dG9rZW4=", "dG9rZW4=")]
    [InlineData("Basic abc", "abc")]
    [InlineData("Other a/b+c~d==", "a/b+c~d==")]
    public void Token68_forms(string header, string token68)
    {
        var c = Assert.Single(AuthChallenge.Parse(header));
        Assert.Equal(token68, c.Token68);
        Assert.Empty(c.Parameters);
    }

    [Fact]
    public void Token68_followed_by_another_challenge()
    {
        var all = AuthChallenge.Parse("Negotiate abc==, Basic realm=\"r\"");
        Assert.Equal("abc==", all[0].Token68);
        Assert.Equal("r", all[1]["realm"]);
    }

    [Theory]
    [InlineData("Bearer realm=\"unterminated")]
    [InlineData("Bearer realm=\"a\", service=")]
    [InlineData("Bearer realm=\"a\" service=\"b\"")]
    [InlineData("=abc")]
    [InlineData("Bearer realm=\"a\",=b")]
    public void Malformed_values_throw_a_coded_error(string header)
    {
        var e = Assert.Throws<ChunkedBuildException>(() => AuthChallenge.Parse(header));
        Assert.Equal(ErrorCodes.RegistryChallengeUnsupported, e.Code);
        Assert.Contains("RFC 7235", e.Message);
    }
}
