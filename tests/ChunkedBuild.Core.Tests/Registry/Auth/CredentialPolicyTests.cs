using System.Net;
using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Registry.Auth;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry.Auth;

/// <summary>
/// Where credentials may go (<see cref="CredentialPolicy"/>), checked on what the in-memory transport is asked to send: no
/// request leaves the process, so a realm like <c>http://auth.example.invalid/token</c> is only ever "contacted" in the fake.
/// </summary>
public sealed class CredentialPolicyTests
{
    private const string Password = "Pw-9zq-never-in-clear";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string BasicPassword = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ci:" + Password));

    private static RegistryCredential UserPass() => new() { Username = "ci", Password = Password, Origin = "--creds" };

    /// <summary>
    /// An HTTPS registry whose Bearer challenge points at <paramref name="realm"/>; the token endpoint gives a token to anyone
    /// (<c>tok-anon</c> without credentials, <c>tok-user</c> with them) unless <paramref name="anonymousRefused"/>.
    /// </summary>
    private static FakeRegistryHandler RegistryWithRealm(string realm, bool anonymousRefused = false) => new(r =>
    {
        if (r.Uri.AbsolutePath == new Uri(realm).AbsolutePath && r.Uri.Host == new Uri(realm).Host)
        {
            if (r.Authorization is not null || r.Body is { Length: > 0 })
                return FakeRegistryHandler.Status(HttpStatusCode.OK, json: "{\"token\":\"tok-user\"}");
            return anonymousRefused
                ? FakeRegistryHandler.Status(HttpStatusCode.Unauthorized, json: "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"login required\"}]}")
                : FakeRegistryHandler.Status(HttpStatusCode.OK, json: "{\"token\":\"tok-anon\"}");
        }
        return r.Authorization is { } a && a.StartsWith("Bearer tok-", StringComparison.Ordinal)
            ? FakeRegistryHandler.Status(HttpStatusCode.OK, json: "{}")
            : FakeRegistryHandler.Status(HttpStatusCode.Unauthorized, $"Bearer realm=\"{realm}\",service=\"reg\"");
    });

    private static void AssertNoSecretWentTo(FakeRegistryHandler fake, string host)
    {
        foreach (var seen in fake.Seen.Where(s => s.Uri.Host == host))
        {
            Assert.Null(seen.Authorization);
            Assert.DoesNotContain(Password, seen.Body ?? "");
            Assert.DoesNotContain("refresh-Zk4", seen.Body ?? "");
        }
    }

    [Fact]
    public async Task A_plain_http_realm_on_another_host_gets_no_credentials_and_an_anonymous_token_is_asked_for()
    {
        var fake = RegistryWithRealm("http://auth.example.invalid/token");
        var log = new List<string>();
        using var client = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => UserPass()), fake,
            new RegistryAuthOptions { Log = log.Add }));

        using var response = await client.GetAsync("https://reg.test/v2/team/app/manifests/1", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokenRequest = Assert.Single(fake.Seen, s => s.Uri.Host == "auth.example.invalid");
        Assert.Equal(HttpMethod.Get, tokenRequest.Method);
        AssertNoSecretWentTo(fake, "auth.example.invalid");
        Assert.Equal("Bearer tok-anon", fake.Seen.Last().Authorization);
        Assert.Contains(log, l => l.Contains("not sent to the token endpoint http://auth.example.invalid/token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plain_http_realm_that_refuses_anonymous_requests_fails_with_CHB4509_saying_how_to_allow_it()
    {
        foreach (var credential in new[] { UserPass(), new RegistryCredential { IdentityToken = "refresh-Zk4", Origin = "docker config.json" } })
        {
            var fake = RegistryWithRealm("http://auth.example.invalid:8080/token", anonymousRefused: true);
            using var client = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => credential), fake));

            var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.GetAsync("https://reg.test/v2/team/app/manifests/1", Ct));

            Assert.Equal(ErrorCodes.RegistryCredentialsWithheld, e.Code);
            Assert.Contains("http://auth.example.invalid:8080/token", e.Message);
            Assert.Contains(RegistryClientOptions.InsecureRegistriesVariable, e.Message);
            Assert.Contains("--insecure", e.Message);
            Assert.Contains(credential.Origin, e.Message);
            Assert.DoesNotContain(Password, e.ToString());
            AssertNoSecretWentTo(fake, "auth.example.invalid");
            Assert.All(fake.Seen.Where(s => s.Uri.Host == "auth.example.invalid"), s => Assert.Equal(HttpMethod.Get, s.Method));
        }
    }

    [Theory]
    [InlineData("https://auth.example.invalid/token")]
    [InlineData("http://127.0.0.1:9/token")]
    [InlineData("http://localhost:9/token")]
    [InlineData("http://auth.lan:8080/token")]
    public async Task Https_loopback_and_insecure_listed_realms_get_the_credentials(string realm)
    {
        var listed = new RegistryClientOptions { InsecureRegistries = new HashSet<string>(["auth.lan:8080"], StringComparer.OrdinalIgnoreCase) };
        var fake = RegistryWithRealm(realm);
        using var client = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => UserPass()), fake,
            new RegistryAuthOptions { CredentialPolicy = listed.CredentialPolicy }));

        using var response = await client.GetAsync("https://reg.test/v2/team/app/manifests/1", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(BasicPassword, fake.Seen.Single(s => s.Uri.Host == new Uri(realm).Host).Authorization);
        Assert.Equal("Bearer tok-user", fake.Seen.Last().Authorization);
    }

    [Fact]
    public async Task A_plain_http_registry_on_another_host_gets_no_authorization_of_any_kind()
    {
        var fake = new FakeRegistryHandler(r => r.Authorization is null
            ? FakeRegistryHandler.Status(HttpStatusCode.Unauthorized, "Basic realm=\"r\"")
            : FakeRegistryHandler.Status(HttpStatusCode.OK));
        using var client = new HttpClient(new RegistryAuthHandler(new FixedCredentials((_, _) => UserPass()), fake));

        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.GetAsync("http://reg.example.invalid:5000/v2/app/tags/list", Ct));

        Assert.Equal(ErrorCodes.RegistryCredentialsWithheld, e.Code);
        Assert.Contains("reg.example.invalid:5000", e.Message);
        Assert.Null(Assert.Single(fake.Seen).Authorization);
    }

    [Fact]
    public async Task The_registry_client_applies_its_own_insecure_list_to_token_realms()
    {
        // The same registry and realm through the whole client pipeline: withheld by default, sent once the realm's host is listed.
        var image = ImageReference.Parse("reg.test/team/app:1");
        var fake = RegistryWithRealm("http://auth.example.invalid/token", anonymousRefused: true);
        var options = new RegistryClientOptions
        {
            Transport = fake,
            Credentials = new FixedCredentials((_, _) => UserPass()),
            Retry = new RegistryRetryOptions { MaxAttempts = 1 },
        };
        using (var client = new RegistryClient(options))
        {
            var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => client.TryGetManifestAsync(image, cancellationToken: Ct));
            Assert.Equal(ErrorCodes.RegistryCredentialsWithheld, e.Code);
        }
        AssertNoSecretWentTo(fake, "auth.example.invalid");

        var listed = options.FromEnvironment(name => name == RegistryClientOptions.InsecureRegistriesVariable ? "auth.example.invalid" : null);
        using (var client = new RegistryClient(listed))
        {
            await client.TryGetManifestAsync(image, cancellationToken: Ct);
        }
        Assert.Contains(fake.Seen, s => s.Uri.Host == "auth.example.invalid" && s.Authorization == BasicPassword);
    }

    [Fact]
    public async Task Redirects_carry_credentials_only_back_to_the_same_origin()
    {
        // reg.test answers the blob with a redirect to plain HTTP on itself, which redirects to a CDN with a signed URL.
        var blob = Encoding.UTF8.GetBytes("blob bytes");
        var digest = Digest.Sha256Of(blob);
        var fake = new FakeRegistryHandler(r =>
        {
            if (r.Uri.Host == "cdn.example.invalid") return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(blob) };
            if (r.Uri.Scheme == "http") return Redirect($"https://cdn.example.invalid/blob?X-Signature=sig-Qm3");
            if (r.Authorization is null) return FakeRegistryHandler.Status(HttpStatusCode.Unauthorized, "Basic realm=\"r\"");
            return Redirect($"http://reg.test{r.Uri.AbsolutePath}");
        });
        var options = new RegistryClientOptions { Transport = fake, Credentials = new FixedCredentials((_, _) => UserPass()) };
        using var client = new RegistryClient(options);

        var read = await client.ReadBlobAsync(ImageReference.Parse("reg.test/app:1"),
            new Descriptor { MediaType = MediaTypes.OciLayerTar, Digest = digest, Size = blob.Length }, Ct);

        Assert.Equal(blob, read);
        Assert.Equal(BasicPassword, fake.Seen.Last(s => s.Uri.Scheme == "https" && s.Uri.Host == "reg.test").Authorization);
        Assert.All(fake.Seen.Where(s => s.Uri.Scheme == "http" || s.Uri.Host == "cdn.example.invalid"), s => Assert.Null(s.Authorization));

        static HttpResponseMessage Redirect(string location)
        {
            var response = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect);
            response.Headers.Location = new Uri(location);
            return response;
        }
    }
}
