using ChunkedBuild.Core.Errors;
using Xunit;

namespace ChunkedBuild.Core.Tests.Errors;

/// <summary>The one redaction path: what it removes from text meant for people, and what it must leave readable.</summary>
public sealed class RedactionTests
{
    [Theory]
    [InlineData("'docker://ci:Pw-s3cret@reg.example.com/app:1' is bad", "'docker://<redacted>@reg.example.com/app:1' is bad")]
    [InlineData("GET https://ci:Pw-s3cret@reg.example.com/v2/ failed", "GET https://<redacted>@reg.example.com/v2/ failed")]
    [InlineData("https://tok3n-only@ghcr.io/v2/", "https://<redacted>@ghcr.io/v2/")]
    [InlineData("'ci:Pw-s3cret@127.0.0.1:5000/app:1' is not a valid image reference", "'<redacted>@127.0.0.1:5000/app:1' is not a valid image reference")]
    [InlineData("'ci:p@ss:w0rd@host/app'", "'<redacted>@host/app'")]
    [InlineData("PUT https://reg/v2/a/blobs/uploads/u?_state=St4te&digest=sha256:ab failed", "PUT https://reg/v2/a/blobs/uploads/u?<redacted> failed")]
    [InlineData("redirected to https://u:p@s3.example.com/x?X-Amz-Signature=abc", "redirected to https://<redacted>@s3.example.com/x?<redacted>")]
    [InlineData("sent Authorization: Basic Y2k6UHctczNjcmV0", "sent Authorization: Basic <redacted>")]
    [InlineData("header 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln'", "header 'Bearer <redacted>'")]
    [InlineData("""printed {"ServerURL":"h","Username":"ci","Secret":"Pw-s3cret"}""", """printed {"ServerURL":"h","Username":"ci","Secret":"<redacted>"}""")]
    [InlineData("""{"token": "abc.def", "expires_in": 60}""", """{"token": "<redacted>", "expires_in": 60}""")]
    public void Secrets_are_replaced(string text, string expected) => Assert.Equal(expected, Redaction.Text(text));

    [Theory]
    [InlineData("'reg.example.com/app:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' has no manifest")]
    [InlineData("alpine:3.19@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("registry 127.0.0.1:5000 sent a Bearer challenge (realm https://auth.example.com/token, service reg)")]
    [InlineData("malformed WWW-Authenticate: Basic realm=\"Registry Realm\"")]
    [InlineData("layer sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef: entry 'usr/lib/a:b' is refused")]
    [InlineData("GET https://reg.example.com/v2/app/manifests/1 failed with HTTP 404 Not Found")]
    [InlineData("the tag 'ci@x' is not [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")]
    public void Everything_else_is_left_as_it_is(string text) => Assert.Equal(text, Redaction.Text(text));

    [Theory]
    [InlineData("ci:Pw-s3cret@ghcr.io/org/app:1", "<redacted>@ghcr.io/org/app:1")]
    [InlineData("ghp_T0ken@ghcr.io/org/app", "<redacted>@ghcr.io/org/app")]
    [InlineData("ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("alpine@sha256:0123", "alpine@sha256:0123")]
    public void References_lose_their_user_info(string text, string expected) => Assert.Equal(expected, Redaction.Reference(text));

    [Fact]
    public void Every_coded_error_message_is_redacted()
    {
        var e = new ChunkedBuildException(ErrorCodes.RegistryUnreachable, "GET https://ci:Pw-s3cret@reg/v2/?state=St4te failed");
        Assert.DoesNotContain("Pw-s3cret", e.Message);
        Assert.DoesNotContain("St4te", e.Message);
        Assert.DoesNotContain("Pw-s3cret", e.ToString());
    }

    [Fact]
    public void A_url_is_shown_without_user_info_query_or_fragment()
    {
        Assert.Equal("https://reg.example.com:5000/v2/a/blobs/uploads/u",
            Redaction.Url(new Uri("https://ci:Pw-s3cret@reg.example.com:5000/v2/a/blobs/uploads/u?_state=St4te#frag")));
        Assert.Equal("http://127.0.0.1/token", Redaction.Url(new Uri("http://127.0.0.1:80/token")));
    }
}
