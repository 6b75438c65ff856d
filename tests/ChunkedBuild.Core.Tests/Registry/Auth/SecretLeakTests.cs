using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry.Auth;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry.Auth;

/// <summary>
/// Runs succeeding and failing auth flows with a recognisable secret (real registries, the token server, credential helpers,
/// broken options and files) and checks that the secret, its base64 forms and every issued token appear in no log line and
/// no exception text (inner exceptions included).
/// </summary>
public sealed class SecretLeakTests : IDisposable
{
    private const string Secret = "Zq7SECRETmarker41";
    private const string Wrong = Secret + "-wrong";

    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-secret-").FullName;
    private readonly List<string> _log = [];
    private readonly List<string> _errors = [];

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private RegistryAuthOptions Options => new() { Log = line => { lock (_log) _log.Add(line); } };

    private HttpClient Client(ICredentialProvider? credentials) =>
        new(new RegistryAuthHandler(credentials, new SocketsHttpHandler { UseProxy = false }, Options));

    private static ICredentialProvider Creds(string user, string password) => new StaticCredentialProvider(new RegistryCredential { Username = user, Password = password, Origin = "test" });

    /// <summary>Runs a flow that must fail with a ChunkedBuildException of <paramref name="code"/>, keeping its full text.</summary>
    private async Task ExpectFailureAsync(string code, Func<Task> flow)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(flow);
        for (var x = e; x is not null; x = x.InnerException) _errors.Add(x.ToString() + "\n" + x.Message);
        var coded = Assert.IsType<ChunkedBuildException>(e);
        Assert.Equal(code, coded.Code);
    }

    [Fact]
    public async Task Secrets_never_reach_logs_or_exception_messages()
    {
        RegistryWire.RequireRegistry();
        var ct = TestContext.Current.CancellationToken;
        using var pki = TestPki.Create();
        var data = Encoding.UTF8.GetBytes("some layer");

        // --- htpasswd (Basic) registry whose password is the secret ---
        using (var basic = LocalRegistry.Start(new LocalRegistryOptions { AuthYaml = RegistryWire.HtpasswdYaml(RegistryWire.WriteHtpasswd(_root, "ci", Secret)) }))
        {
            using (var ok = Client(Creds("ci", Secret)))
                await RegistryWire.UploadBlobAsync(ok, basic.BaseUri, "leak/basic", data, ct);
            using (var bad = Client(Creds("ci", Wrong)))
                await ExpectFailureAsync(ErrorCodes.RegistryAuthenticationFailed, () => bad.GetAsync(new Uri(basic.BaseUri, "/v2/leak/basic/tags/list"), ct));

            // The same secret from a docker config file and from a credential helper.
            var env = new Dictionary<string, string> { ["HOME"] = _root, ["DOCKER_CONFIG"] = Path.Combine(_root, "d"), ["PATH"] = Path.Combine(_root, "bin") };
            Directory.CreateDirectory(env["DOCKER_CONFIG"]);
            Directory.CreateDirectory(env["PATH"]);
            File.WriteAllText(Path.Combine(env["DOCKER_CONFIG"], "config.json"),
                $"{{\"auths\":{{\"{basic.Host}\":{{\"auth\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes("ci:" + Secret))}\"}}}}}}");
            using (var fromFile = Client(new AuthFileCredentialProvider(env.GetValueOrDefault)))
                await RegistryWire.UploadBlobAsync(fromFile, basic.BaseUri, "leak/file", data, ct);

            WriteHelper(env["PATH"], "leak", $"read -r url\necho '{{\"ServerURL\":\"'$url'\",\"Username\":\"ci\",\"Secret\":\"{Secret}\"}}'\n");
            File.WriteAllText(Path.Combine(env["DOCKER_CONFIG"], "config.json"), $"{{\"credHelpers\":{{\"{basic.Host}\":\"leak\"}}}}");
            using (var fromHelper = Client(new AuthFileCredentialProvider(env.GetValueOrDefault)))
                await RegistryWire.UploadBlobAsync(fromHelper, basic.BaseUri, "leak/helper", data, ct);

            // A helper that prints the secret in a non-JSON answer, an auth file holding it in broken JSON.
            WriteHelper(env["PATH"], "leak", $"echo 'oops {Secret}'\n");
            await ExpectFailureAsync(ErrorCodes.CredentialHelperFailed, async () => await new AuthFileCredentialProvider(env.GetValueOrDefault).GetAsync(basic.Host, false, ct));
            File.WriteAllText(Path.Combine(env["DOCKER_CONFIG"], "config.json"), $"{{\"auths\":{{\"{basic.Host}\":{{\"auth\":\"{Secret}\"");
            await ExpectFailureAsync(ErrorCodes.MalformedAuthFile, async () => await new AuthFileCredentialProvider(env.GetValueOrDefault).GetAsync(basic.Host, false, ct));
            File.WriteAllText(Path.Combine(env["DOCKER_CONFIG"], "config.json"), $"{{\"auths\":{{\"{basic.Host}\":{{\"auth\":\"{Secret}\"}}}}}}");
            await ExpectFailureAsync(ErrorCodes.MalformedAuthFile, async () => await new AuthFileCredentialProvider(env.GetValueOrDefault).GetAsync(basic.Host, false, ct));
        }

        // --- token registry whose token server knows ci / secret ---
        using var tokens = new TestTokenServer(pki.TokenSigner, "ci", Secret, "leak-issuer", "leak-service");
        using (var tokenRegistry = LocalRegistry.Start(new LocalRegistryOptions { AuthYaml = tokens.RegistryAuthYaml(pki.TokenSignerCertFile) }))
        {
            using (var ok = Client(Creds("ci", Secret)))
            {
                var digest = await RegistryWire.UploadBlobAsync(ok, tokenRegistry.BaseUri, "leak/token", data, ct);
                await RegistryWire.GetBlobAsync(ok, tokenRegistry.BaseUri, "leak/token", digest, ct);
                // A stream body refused with a challenge (another repository, no token yet): coded error, no secret.
                await ExpectFailureAsync(ErrorCodes.RegistryRequestNotReplayable, () =>
                    ok.PutAsync(new Uri(tokenRegistry.BaseUri, "/v2/leak/other/manifests/1"), new StreamContent(new ReadOnceStream("{}"u8.ToArray())), ct));
            }
            using (var bad = Client(Creds("ci", Wrong)))
                await ExpectFailureAsync(ErrorCodes.RegistryTokenRequestFailed, () => bad.GetAsync(new Uri(tokenRegistry.BaseUri, "/v2/leak/token/tags/list"), ct));
            using (var identity = Client(new StaticCredentialProvider(new RegistryCredential { IdentityToken = Secret, Origin = "identity" })))
                await ExpectFailureAsync(ErrorCodes.RegistryTokenRequestFailed, () => identity.GetAsync(new Uri(tokenRegistry.BaseUri, "/v2/leak/token/tags/list"), ct));
        }

        // --- broken options ---
        await ExpectFailureAsync(ErrorCodes.InvalidCredentialOption, () => Task.FromResult(StaticCredentialProvider.FromCredsOption(Secret)));
        await ExpectFailureAsync(ErrorCodes.InvalidCredentialOption, () => Task.FromResult(StaticCredentialProvider.FromCredsOption(":" + Secret)));

        // --- the checks ---
        Assert.NotEmpty(_log);
        Assert.Equal(9, _errors.Count(e => e.Contains("ChunkedBuildException", StringComparison.Ordinal)));
        Assert.Equal(2, tokens.IssuedTokens.Count);
        var forbidden = new List<string> { Secret };
        foreach (var text in new[] { Secret, "ci:" + Secret, "ci:" + Wrong, Wrong })
        {
            var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
            forbidden.Add(b64);
            forbidden.Add(b64.TrimEnd('='));
        }
        forbidden.AddRange(tokens.IssuedTokens);
        foreach (var text in _log.Concat(_errors))
        {
            foreach (var f in forbidden)
                Assert.False(text.Contains(f, StringComparison.Ordinal), $"a secret form appeared in: {text}");
        }
    }

    private static void WriteHelper(string folder, string name, string body)
    {
        var path = Path.Combine(folder, "docker-credential-" + name);
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

}
