using System.Net;
using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Registry.Auth;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry.Auth;

/// <summary>The auth handler against Debian's real docker-registry (distribution 2.8): htpasswd Basic over TLS, and token auth.</summary>
public class LocalRegistryAuthTests
{
    [Fact]
    public async Task Htpasswd_basic_over_tls_with_a_test_ca()
    {
        RegistryWire.RequireRegistry();
        var ct = TestContext.Current.CancellationToken;
        using var pki = TestPki.Create();
        var htpasswd = RegistryWire.WriteHtpasswd(pki.Root, "ci", "s3cret-pw");
        using var registry = LocalRegistry.Start(new LocalRegistryOptions
        {
            TlsCertificateFile = pki.ServerCertFile,
            TlsKeyFile = pki.ServerKeyFile,
            AuthYaml = RegistryWire.HtpasswdYaml(htpasswd),
        });
        Assert.Equal("https", registry.BaseUri.Scheme);
        var log = new List<string>();

        using (var client = new HttpClient(new RegistryAuthHandler(StaticCredentialProvider.FromCredsOption("ci:s3cret-pw"), pki.TrustingHandler(),
                   new RegistryAuthOptions { Log = l => { lock (log) log.Add(l); } })))
        {
            using (var ping = await client.GetAsync(new Uri(registry.BaseUri, "/v2/"), ct))
                Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
            var data = Encoding.UTF8.GetBytes("layer bytes over TLS with Basic auth");
            var digest = await RegistryWire.UploadBlobAsync(client, registry.BaseUri, "auth/basic", data, ct);
            Assert.Equal(data, await RegistryWire.GetBlobAsync(client, registry.BaseUri, "auth/basic", digest, ct));
        }
        Assert.Contains(log, l => l.Contains("answering Basic challenge with credentials from --creds", StringComparison.Ordinal));

        using (var anonymous = new HttpClient(new RegistryAuthHandler(null, pki.TrustingHandler())))
        {
            var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => anonymous.GetAsync(new Uri(registry.BaseUri, "/v2/auth/basic/tags/list"), ct));
            Assert.Equal(ErrorCodes.RegistryAuthenticationFailed, e.Code);
            Assert.Contains(registry.Host, e.Message);
            Assert.Contains("repository:auth/basic:pull", e.Message);
            Assert.Contains("HTTP 401", e.Message);
        }
        using (var wrong = new HttpClient(new RegistryAuthHandler(StaticCredentialProvider.FromCredsOption("ci:nope"), pki.TrustingHandler())))
        {
            var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => wrong.GetAsync(new Uri(registry.BaseUri, "/v2/"), ct));
            Assert.Equal(ErrorCodes.RegistryAuthenticationFailed, e.Code);
            Assert.Contains("--creds", e.Message);
        }
        using (var untrusting = new HttpClient(new RegistryAuthHandler(null, new SocketsHttpHandler { UseProxy = false })))
        {
            // The test CA is what makes TLS work: without it the handshake fails.
            await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(new Uri(registry.BaseUri, "/v2/"), ct));
        }
    }

    [Fact]
    public async Task A_push_with_only_the_push_variables_works_against_a_registry_that_allows_nothing_anonymously()
    {
        RegistryWire.RequireRegistry();
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("chb-push-env-").FullName;
        try
        {
            using var registry = LocalRegistry.Start(new LocalRegistryOptions { AuthYaml = RegistryWire.HtpasswdYaml(RegistryWire.WriteHtpasswd(folder, "ci", "push-pw")) });
            var image = TestImage.Create(folder, 31, "v1", 3000, 40_000);
            var pushOnly = new Dictionary<string, string> { ["DOTNET_CONTAINER_PUSH_REGISTRY_UNAME"] = "ci", ["DOTNET_CONTAINER_PUSH_REGISTRY_PWORD"] = "push-pw" };
            var options = RegistryFixture.FastOptions() with { Credentials = new SdkEnvironmentCredentialProvider(pushOnly.GetValueOrDefault) };
            var destination = ImageReference.Parse($"{registry.Host}/auth/push-env:v1");

            // The sink's HEAD checks (blobs, manifests) are authorized with the push variables like its uploads.
            await using (var sink = new RegistryImageSink(options, destination))
                await LayoutPush.PushAsync(image.Open(), image.Root, sink, ["v1"], ct);

            var pull = new Dictionary<string, string> { ["DOTNET_CONTAINER_PULL_REGISTRY_UNAME"] = "ci", ["DOTNET_CONTAINER_PULL_REGISTRY_PWORD"] = "push-pw" };
            using var reader = new RegistryClient(RegistryFixture.FastOptions() with { Credentials = new SdkEnvironmentCredentialProvider(pull.GetValueOrDefault) });
            Assert.Equal(image.Root.Digest, (await reader.GetManifestAsync(destination, cancellationToken: ct)).Digest);

            // A client not made for a push asks for pull credentials, and the push variables are not those.
            using var notForPush = new RegistryClient(options);
            var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => notForPush.HeadBlobAsync(destination, image.Config.Digest, ct));
            Assert.Equal(ErrorCodes.RegistryAuthenticationFailed, e.Code);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Token_auth_fetches_a_scoped_token_once_and_reuses_it_for_push_and_pull()
    {
        RegistryWire.RequireRegistry();
        var ct = TestContext.Current.CancellationToken;
        using var pki = TestPki.Create();
        using var tokens = new TestTokenServer(pki.TokenSigner, "ci", "tok-pw", issuer: "chunkedbuild-test-issuer", service: "chunkedbuild-test-registry");
        using var registry = LocalRegistry.Start(new LocalRegistryOptions { AuthYaml = tokens.RegistryAuthYaml(pki.TokenSignerCertFile) });
        var env = new Dictionary<string, string> { ["DOTNET_CONTAINER_PUSH_REGISTRY_UNAME"] = "ci", ["DOTNET_CONTAINER_PUSH_REGISTRY_PWORD"] = "tok-pw",
            ["DOTNET_CONTAINER_PULL_REGISTRY_UNAME"] = "ci", ["DOTNET_CONTAINER_PULL_REGISTRY_PWORD"] = "tok-pw" };
        var credentials = new SdkEnvironmentCredentialProvider(env.GetValueOrDefault);
        using var client = new HttpClient(new RegistryAuthHandler(credentials, new SocketsHttpHandler { UseProxy = false }));

        // Push: POST meets the challenge (push scope); PATCH with a read-once stream and PUT reuse the token up front.
        var data = Encoding.UTF8.GetBytes("layer bytes pushed with a bearer token");
        var digest = await RegistryWire.UploadBlobAsync(client, registry.BaseUri, "team/app", data, ct);
        Assert.Equal(["GET repository:team/app:pull,push"], tokens.Requests);

        // Pull of the same repository and the /v2/ ping: covered by the cached token, no new token request.
        Assert.Equal(data, await RegistryWire.GetBlobAsync(client, registry.BaseUri, "team/app", digest, ct));
        using (var ping = await client.GetAsync(new Uri(registry.BaseUri, "/v2/"), ct)) Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Single(tokens.Requests);

        // Another repository needs its own (pull) token; then that one is cached as well.
        using (var missing = await client.GetAsync(new Uri(registry.BaseUri, "/v2/team/other/manifests/latest"), ct))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using (var again = await client.GetAsync(new Uri(registry.BaseUri, "/v2/team/other/manifests/latest"), ct))
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(["GET repository:team/app:pull,push", "GET repository:team/other:pull"], tokens.Requests);

        // Without credentials the token server refuses: a coded error naming the scope.
        using var anonymous = new HttpClient(new RegistryAuthHandler(null, new SocketsHttpHandler { UseProxy = false }));
        var e = await Assert.ThrowsAsync<ChunkedBuildException>(() => anonymous.GetAsync(new Uri(registry.BaseUri, $"/v2/team/app/blobs/{digest}"), ct));
        Assert.Equal(ErrorCodes.RegistryTokenRequestFailed, e.Code);
        Assert.Contains("repository:team/app:pull", e.Message);
        Assert.Contains("anonymous", e.Message);
    }
}
