using System.Net;
using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry.Auth;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry.Auth;

/// <summary>The handler against an in-memory registry and token endpoint: which requests it sends, with which headers and forms.</summary>
public class RegistryAuthHandlerTests
{
    private const string Registry = "https://reg.test:5000";
    private const string Realm = "https://auth.test/token";
    private static readonly string BearerChallenge = $"Bearer realm=\"{Realm}\",service=\"reg\"";

    private static RegistryCredential UserPass(string origin = "test creds") => new() { Username = "ci", Password = "pw", Origin = origin };

    private static string BasicOf(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    /// <summary>A registry accepting <c>Bearer tok-N</c> for any scope, and a token endpoint that issues <c>tok-N</c> to ci:pw on GET.</summary>
    private static FakeRegistryHandler TokenRegistry(Func<SeenRequest, HttpResponseMessage?>? tokenEndpoint = null, int expiresIn = 300)
    {
        var issued = 0;
        return new FakeRegistryHandler(r =>
        {
            if (r.Uri.Host == "auth.test")
            {
                if (tokenEndpoint?.Invoke(r) is { } custom) return custom;
                if (r.Method == HttpMethod.Get && r.Authorization == BasicOf("ci", "pw"))
                    return FakeRegistryHandler.Status(HttpStatusCode.OK, json: $"{{\"token\":\"tok-{Interlocked.Increment(ref issued)}\",\"expires_in\":{expiresIn}}}");
                return FakeRegistryHandler.Status(HttpStatusCode.Unauthorized);
            }
            return r.Authorization is { } a && a.StartsWith("Bearer tok-", StringComparison.Ordinal)
                ? FakeRegistryHandler.Status(HttpStatusCode.OK)
                : FakeRegistryHandler.Status(HttpStatusCode.Unauthorized, BearerChallenge);
        });
    }

    [Fact]
    public async Task Basic_challenge_is_answered_and_the_header_is_then_sent_up_front()
    {
        var fake = new FakeRegistryHandler(r => r.Authorization == BasicOf("ci", "pw")
            ? FakeRegistryHandler.Status(HttpStatusCode.OK)
            : FakeRegistryHandler.Status(HttpStatusCode.Unauthorized, "Basic realm=\"Registry Realm\""));
        var creds = new FixedCredentials((_, _) => UserPass());
        using var client = new HttpClient(new RegistryAuthHandler(creds, fake));

        using (var r = await client.GetAsync($"{Registry}/v2/", TestContext.Current.CancellationToken)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await client.PutAsync($"{Registry}/v2/a/manifests/t", new ByteArrayContent([1, 2]), TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        Assert.Equal([null, BasicOf("ci", "pw"), BasicOf("ci", "pw")], fake.Seen.Select(s => s.Authorization));
        Assert.Equal(("reg.test:5000", false), Assert.Single(creds.Asked));
    }

    [Fact]
    public async Task Bearer_token_is_fetched_for_the_challenge_scope_cached_and_reused_for_covered_requests()
    {
        var fake = TokenRegistry();
        var creds = new FixedCredentials((_, _) => UserPass());
        using var client = new HttpClient(new RegistryAuthHandler(creds, fake));
        var ct = TestContext.Current.CancellationToken;

        // A push begins: POST (push scope) → challenge → token for pull,push.
        (await client.PostAsync($"{Registry}/v2/team/app/blobs/uploads/", null, ct)).Dispose();
        // Covered: the PATCH (push) and the HEAD (pull) go out with the token at once.
        (await client.PatchAsync($"{Registry}/v2/team/app/blobs/uploads/u1", new ByteArrayContent([1]), ct)).Dispose();
        (await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{Registry}/v2/team/app/blobs/sha256:00"), ct)).Dispose();
        // Not covered: another repository needs its own token.
        (await client.GetAsync($"{Registry}/v2/other/manifests/1", ct)).Dispose();

        var tokenRequests = fake.Seen.Where(s => s.Uri.Host == "auth.test").Select(s => s.Uri.Query).ToArray();
        Assert.Equal(["?service=reg&scope=repository%3Ateam%2Fapp%3Apull%2Cpush", "?service=reg&scope=repository%3Aother%3Apull"], tokenRequests);
        var registryRequests = fake.Seen.Where(s => s.Uri.Host == "reg.test").Select(s => $"{s.Method} {s.Authorization ?? "-"}").ToArray();
        Assert.Equal(["POST -", "POST Bearer tok-1", "PATCH Bearer tok-1", "HEAD Bearer tok-1", "GET -", "GET Bearer tok-2"], registryRequests);
        Assert.Equal([("reg.test:5000", true), ("reg.test:5000", false)], creds.Asked);
    }

    [Fact]
    public async Task Challenge_scope_is_merged_with_the_request_scope_and_push_intent_asks_for_push_up_front()
    {
        var ct = TestContext.Current.CancellationToken;
        var challenge = $"Bearer realm=\"{Realm}\",service=\"reg\",scope=\"repository:base:pull\"";
        var calls = 0;
        var inner = new FakeRegistryHandler(r => r.Uri.Host == "auth.test" || Interlocked.Increment(ref calls) > 1
            ? FakeRegistryHandler.Status(HttpStatusCode.OK, json: "{\"access_token\":\"t\"}")
            : FakeRegistryHandler.Status(HttpStatusCode.Unauthorized, challenge));
        using var client2 = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => UserPass()), inner));

        var head = new HttpRequestMessage(HttpMethod.Head, $"{Registry}/v2/app/blobs/sha256:00");
        head.Options.Set(RegistryAuthHandler.PushIntentOption, true);
        (await client2.SendAsync(head, ct)).Dispose();

        var token = Assert.Single(inner.Seen, s => s.Uri.Host == "auth.test");
        Assert.Equal("?service=reg&scope=repository%3Aapp%3Apull%2Cpush&scope=repository%3Abase%3Apull", token.Uri.Query);
        Assert.Equal("Bearer t", inner.Seen.Last().Authorization);
    }

    [Fact]
    public async Task Expired_tokens_are_not_attached_and_a_new_one_is_fetched()
    {
        var fake = TokenRegistry(expiresIn: 100);
        var clock = new ManualTimeProvider();
        using var client = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => UserPass()), fake, new RegistryAuthOptions { TimeProvider = clock }));
        var ct = TestContext.Current.CancellationToken;

        (await client.GetAsync($"{Registry}/v2/a/manifests/1", ct)).Dispose();
        clock.Advance(TimeSpan.FromSeconds(80));
        (await client.GetAsync($"{Registry}/v2/a/manifests/1", ct)).Dispose();
        clock.Advance(TimeSpan.FromSeconds(15)); // past 100 s minus the 10 s safety margin
        (await client.GetAsync($"{Registry}/v2/a/manifests/1", ct)).Dispose();

        Assert.Equal(["-", "Bearer tok-1", "Bearer tok-1", "-", "Bearer tok-2"],
            fake.Seen.Where(s => s.Uri.Host == "reg.test").Select(s => s.Authorization ?? "-"));
    }

    [Fact]
    public async Task Identity_token_uses_the_refresh_token_grant()
    {
        SeenRequest? post = null;
        var fake = TokenRegistry(r =>
        {
            post = r;
            return r.Method == HttpMethod.Post ? FakeRegistryHandler.Status(HttpStatusCode.OK, json: "{\"access_token\":\"tok-9\",\"refresh_token\":\"new\"}") : null;
        });
        var creds = new FixedCredentials((_, _) => new RegistryCredential { IdentityToken = "refresh-me", Origin = "helper" });
        using var client = new HttpClient(new RegistryAuthHandler(creds, fake, new RegistryAuthOptions { ClientId = "cb-test" }));

        using var response = await client.GetAsync($"{Registry}/v2/a/tags/list", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpMethod.Post, post!.Method);
        Assert.Null(post.Authorization);
        Assert.Equal("grant_type=refresh_token&refresh_token=refresh-me&service=reg&scope=repository%3Aa%3Apull&client_id=cb-test", post.Body);
        Assert.Equal("Bearer tok-9", fake.Seen.Last().Authorization);
    }

    [Fact]
    public async Task Password_grant_is_the_fallback_when_the_token_GET_is_refused()
    {
        var fake = TokenRegistry(r => r.Method == HttpMethod.Get
            ? FakeRegistryHandler.Status(HttpStatusCode.NotFound)
            : FakeRegistryHandler.Status(HttpStatusCode.OK, json: "{\"access_token\":\"tok-7\",\"expires_in\":60}"));
        using var client = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => UserPass()), fake));

        using var response = await client.GetAsync($"{Registry}/v2/a/manifests/1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = fake.Seen.Where(s => s.Uri.Host == "auth.test").ToArray();
        Assert.Equal([HttpMethod.Get, HttpMethod.Post], token.Select(t => t.Method));
        Assert.Equal("grant_type=password&username=ci&password=pw&service=reg&scope=repository%3Aa%3Apull&client_id=chunkedbuild", token[1].Body);
    }

    [Fact]
    public async Task Anonymous_token_request_sends_no_authorization()
    {
        var fake = TokenRegistry(r => r.Authorization is null ? FakeRegistryHandler.Status(HttpStatusCode.OK, json: "{\"token\":\"tok-anon\"}") : null);
        using var client = new HttpClient(new RegistryAuthHandler(null, fake));

        using var response = await client.GetAsync($"{Registry}/v2/library/alpine/manifests/3", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(fake.Seen.Single(s => s.Uri.Host == "auth.test").Authorization);
    }

    [Fact]
    public async Task Stream_body_that_met_a_challenge_fails_with_a_coded_error_and_the_retry_authenticates_up_front()
    {
        var fake = TokenRegistry();
        using var client = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => UserPass()), fake));
        var ct = TestContext.Current.CancellationToken;

        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() =>
            client.PatchAsync($"{Registry}/v2/a/blobs/uploads/u", new StreamContent(new ReadOnceStream(Encoding.UTF8.GetBytes("layer bytes"))), ct));
        Assert.Equal(ErrorCodes.RegistryRequestNotReplayable, e.Code);
        Assert.Contains("reg.test:5000", e.Message);
        Assert.Contains("StreamContent", e.Message);

        using var again = await client.PatchAsync($"{Registry}/v2/a/blobs/uploads/u", new StreamContent(new ReadOnceStream(Encoding.UTF8.GetBytes("layer bytes"))), ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var patches = fake.Seen.Where(s => s.Method == HttpMethod.Patch).ToArray();
        Assert.Equal([null, "Bearer tok-1"], patches.Select(p => p.Authorization));
        Assert.All(patches, p => Assert.Equal("layer bytes", p.Body));
    }

    [Fact]
    public async Task Replayable_option_allows_resending_stream_content()
    {
        var fake = TokenRegistry();
        using var client = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => UserPass()), fake));
        var request = new HttpRequestMessage(HttpMethod.Put, $"{Registry}/v2/a/manifests/1") { Content = new StreamContent(new MemoryStream("{}"u8.ToArray())) };
        request.Options.Set(RegistryAuthHandler.ReplayableContentOption, true);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["{}", "{}"], fake.Seen.Where(s => s.Method == HttpMethod.Put).Select(s => s.Body));
    }

    [Fact]
    public async Task Final_401_names_registry_scope_and_origin()
    {
        var fake = TokenRegistry(_ => FakeRegistryHandler.Status(HttpStatusCode.OK, json: "{\"token\":\"useless\"}"));
        using var client = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => UserPass("DOCKER_CONFIG auths")), fake));

        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.GetAsync($"{Registry}/v2/team/app/manifests/1", TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCodes.RegistryAuthenticationFailed, e.Code);
        Assert.Contains("reg.test:5000", e.Message);
        Assert.Contains("repository:team/app:pull", e.Message);
        Assert.Contains("DOCKER_CONFIG auths", e.Message);
    }

    [Fact]
    public async Task Basic_challenge_without_credentials_fails_with_401_code_and_a_hint()
    {
        var fake = new FakeRegistryHandler(_ => FakeRegistryHandler.Status(HttpStatusCode.Unauthorized, "Basic realm=\"r\""));
        using var client = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => null), fake));

        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.GetAsync($"{Registry}/v2/", TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCodes.RegistryAuthenticationFailed, e.Code);
        Assert.Contains("anonymous", e.Message);
        Assert.Single(fake.Seen);
    }

    [Fact]
    public async Task Forbidden_is_a_coded_error_with_the_registry_error_text_or_the_response_when_asked()
    {
        var fake = new FakeRegistryHandler(r => r.Authorization is null
            ? FakeRegistryHandler.Status(HttpStatusCode.Unauthorized, "Basic realm=\"r\"")
            : FakeRegistryHandler.Status(HttpStatusCode.Forbidden, json: "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}"));
        var creds = new FixedCredentials((_, _) => UserPass("--creds"));
        using var client = new HttpClient(new RegistryAuthHandler(creds, fake));
        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.PutAsync($"{Registry}/v2/a/manifests/1", new StringContent("{}"), TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.RegistryAccessDenied, e.Code);
        Assert.Contains("DENIED requested access to the resource is denied", e.Message);
        Assert.Contains("--creds", e.Message);

        using var lenient = new HttpClient(new RegistryAuthHandler(creds, fake, new RegistryAuthOptions { ThrowOnAuthFailure = false }));
        using var response = await lenient.PutAsync($"{Registry}/v2/a/manifests/1", new StringContent("{}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Bearer_is_preferred_when_a_response_offers_several_challenges()
    {
        var both = new FakeRegistryHandler(r => r.Uri.Host == "auth.test" || r.Authorization is not null
            ? FakeRegistryHandler.Status(HttpStatusCode.OK, json: "{\"token\":\"b\"}")
            : FakeRegistryHandler.Status(HttpStatusCode.Unauthorized, $"Basic realm=\"x\", {BearerChallenge}"));
        using var client = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => UserPass()), both));

        (await client.GetAsync($"{Registry}/v2/a/manifests/1", TestContext.Current.CancellationToken)).Dispose();

        Assert.Equal("Bearer b", both.Seen.Last().Authorization);
    }

    [Fact]
    public async Task Requests_with_their_own_authorization_pass_through()
    {
        var fake = new FakeRegistryHandler(_ => FakeRegistryHandler.Status(HttpStatusCode.Unauthorized, "Basic realm=\"r\""));
        using var client = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => UserPass()), fake));
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Registry}/v2/");
        request.Headers.Authorization = new("Bearer", "mine");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer mine", Assert.Single(fake.Seen).Authorization);
    }

    [Fact]
    public async Task Unsupported_scheme_is_a_coded_error()
    {
        var fake = new FakeRegistryHandler(_ => FakeRegistryHandler.Status(HttpStatusCode.Unauthorized, "Negotiate"));
        using var client = new HttpClient(new RegistryAuthHandler(null, fake));
        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.GetAsync($"{Registry}/v2/", TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.RegistryChallengeUnsupported, e.Code);
        Assert.Contains("Negotiate", e.Message);
    }

}
