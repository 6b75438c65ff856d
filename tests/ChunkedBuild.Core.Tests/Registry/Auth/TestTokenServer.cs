using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Security.Cryptography.X509Certificates;
using ChunkedBuild.Testing.Http;

namespace ChunkedBuild.Core.Tests.Registry.Auth;

/// <summary>
/// A distribution token server for tests on 127.0.0.1: <c>GET /token?service=&amp;scope=</c> with Basic credentials (and the
/// OAuth2 form POST), issuing RS256 JWTs signed by a test certificate sent in the <c>x5c</c> header, with the claims the
/// distribution registry checks (iss, sub, aud, exp, nbf, iat, jti, access[]). Known users get every requested action;
/// anonymous requests are refused. It serves on a <see cref="LoopbackHttpServer"/>, which holds its port from start to dispose.
/// </summary>
internal sealed class TestTokenServer : IDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly X509Certificate2 _signer;
    private readonly string _user;
    private readonly string _password;
    private readonly Lock _lock = new();
    private readonly List<string> _requests = [];
    private readonly List<string> _issued = [];

    public TestTokenServer(X509Certificate2 signer, string user, string password, string issuer, string service)
    {
        _signer = signer;
        _user = user;
        _password = password;
        Issuer = issuer;
        Service = service;
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public int Port => _server.Port;
    public string Issuer { get; }
    public string Service { get; }
    public string Realm => $"http://127.0.0.1:{Port}/token";

    /// <summary>One line per token request: <c>METHOD scope1 scope2 …</c> (scopes as requested).</summary>
    public IReadOnlyList<string> Requests { get { lock (_lock) return _requests.ToArray(); } }

    /// <summary>Every token issued so far (secrets that must never reach logs or messages).</summary>
    public IReadOnlyList<string> IssuedTokens { get { lock (_lock) return _issued.ToArray(); } }

    /// <summary>The registry's <c>auth:</c> section for this server.</summary>
    public string RegistryAuthYaml(string rootCertBundle) =>
        $"  token:\n    realm: {Realm}\n    service: {Service}\n    issuer: {Issuer}\n    rootcertbundle: {rootCertBundle}\n";

    private async Task HandleAsync(LoopbackRequest request, Stream connection, CancellationToken cancellationToken)
    {
        string? user = null, password = null;
        List<string> scopes;
        if (request.Method == "POST")
        {
            var fields = request.BodyText.Split('&').Select(p => p.Split('=', 2))
                .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : ""));
            if (fields.GetValueOrDefault("grant_type") == "password") { user = fields.GetValueOrDefault("username"); password = fields.GetValueOrDefault("password"); }
            scopes = fields.GetValueOrDefault("scope")?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList() ?? [];
        }
        else
        {
            scopes = request.Query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
                .Where(p => p[0] == "scope" && p.Length > 1).Select(p => Uri.UnescapeDataString(p[1].Replace('+', ' '))).ToList();
            var header = request.Header("Authorization");
            if (header is not null && header.StartsWith("Basic ", StringComparison.Ordinal))
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]));
                var colon = decoded.IndexOf(':');
                user = decoded[..colon];
                password = decoded[(colon + 1)..];
            }
        }
        lock (_lock) _requests.Add($"{request.Method} {string.Join(' ', scopes)}".TrimEnd());

        if (user != _user || password != _password)
        {
            await LoopbackHttpServer.RespondAsync(connection, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}", cancellationToken: cancellationToken);
            return;
        }
        var token = Issue(user!, scopes);
        lock (_lock) _issued.Add(token);
        await LoopbackHttpServer.RespondAsync(connection, 200, new JsonObject { ["token"] = token, ["expires_in"] = 300 }.ToJsonString(), cancellationToken: cancellationToken);
    }

    private string Issue(string subject, IEnumerable<string> scopes)
    {
        var access = new JsonArray();
        foreach (var scope in scopes)
        {
            var first = scope.IndexOf(':');
            var last = scope.LastIndexOf(':');
            access.Add(new JsonObject
            {
                ["type"] = scope[..first],
                ["name"] = scope[(first + 1)..last],
                ["actions"] = new JsonArray(scope[(last + 1)..].Split(',').Select(a => (JsonNode)a).ToArray()),
            });
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["x5c"] = new JsonArray(Convert.ToBase64String(_signer.RawData)) };
        var claims = new JsonObject
        {
            ["iss"] = Issuer, ["sub"] = subject, ["aud"] = Service,
            ["exp"] = now + 300, ["nbf"] = now - 10, ["iat"] = now,
            ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)), ["access"] = access,
        };
        var signingInput = B64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        using var rsa = _signer.GetRSAPrivateKey()!;
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + B64Url(signature);
    }

    private static string B64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => _server.Dispose();
}
