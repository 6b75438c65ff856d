using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry.Http;

namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>A token from a realm, how long it may be used, and whether credentials were withheld from the realm (an anonymous token).</summary>
internal readonly record struct IssuedToken(string Token, TimeSpan Lifetime, bool CredentialsWithheld = false);

/// <summary>
/// Asks a Bearer challenge's realm for a token (the distribution token protocol): <c>GET realm?service=&amp;scope=</c> with Basic
/// credentials (or anonymously), or an OAuth2 form POST (<c>grant_type=refresh_token</c> with an identity token, or
/// <c>grant_type=password</c> when the GET is refused). Credentials go to the realm only where <see cref="RegistryAuthOptions.CredentialPolicy"/>
/// allows: a realm on plain HTTP to a host that may not receive them is asked for an anonymous token instead, and when that is
/// refused the error (<see cref="ErrorCodes.RegistryCredentialsWithheld"/>) says why and how to allow it.
/// </summary>
internal sealed class BearerTokenClient(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, RegistryAuthOptions options)
{
    public async Task<IssuedToken> FetchAsync(string registry, AuthChallenge challenge, IReadOnlyList<RegistryScope> scopes,
        RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var realmText = challenge["realm"];
        if (!Uri.TryCreate(realmText, UriKind.Absolute, out var realm) || (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp))
            throw new ChunkedBuildException(ErrorCodes.RegistryChallengeUnsupported,
                $"registry {registry} sent a Bearer challenge whose realm '{realmText}' is not an absolute http(s) URL");
        var service = challenge["service"];
        var scopeText = string.Join(' ', scopes);
        var origin = credential?.Origin is { Length: > 0 } o ? o : "anonymous";
        var realmName = Redaction.Url(realm);

        if (credential is not null && !options.CredentialPolicy.Allows(realm))
        {
            options.Log?.Invoke($"auth {registry}: credentials from {origin} are not sent to the token endpoint {realmName} (plain HTTP to a host that may not receive them); asking for an anonymous token");
            var (anonymousStatus, anonymous) = await GetAsync(realm, service, scopes, null, cancellationToken);
            if (anonymous is { } issued) return issued with { CredentialsWithheld = true };
            throw new ChunkedBuildException(ErrorCodes.RegistryCredentialsWithheld,
                $"registry {registry} sends clients for tokens to {CredentialPolicy.Refusal(realm)}; the credentials from {origin} were withheld " +
                $"and an anonymous token for scope '{scopeText}' was refused ({Describe(anonymousStatus)})");
        }

        if (credential?.IdentityToken is { Length: > 0 } identityToken)
        {
            var (status, token) = await PostAsync(realm, service, scopes, [("grant_type", "refresh_token"), ("refresh_token", identityToken)], cancellationToken);
            return token ?? throw Failed(registry, realmName, scopeText, origin, $"POST grant_type=refresh_token answered {Describe(status)}");
        }

        var hasPassword = credential is { Username.Length: > 0, Password: not null };
        var (getStatus, getToken) = await GetAsync(realm, service, scopes, hasPassword ? credential : null, cancellationToken);
        if (getToken is not null) return getToken.Value;
        if (!hasPassword)
            throw Failed(registry, realmName, scopeText, origin, $"GET answered {Describe(getStatus)}");

        options.Log?.Invoke($"auth {registry}: token GET at {realmName} answered {Describe(getStatus)}; trying POST grant_type=password");
        var (postStatus, postToken) = await PostAsync(realm, service, scopes,
            [("grant_type", "password"), ("username", credential!.Username!), ("password", credential.Password!)], cancellationToken);
        return postToken ?? throw Failed(registry, realmName, scopeText, origin,
            $"GET answered {Describe(getStatus)} and POST grant_type=password answered {Describe(postStatus)}");
    }

    private async Task<(HttpStatusCode? Status, IssuedToken? Token)> GetAsync(Uri realm, string? service, IReadOnlyList<RegistryScope> scopes,
        RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (service is not null) query.Add("service=" + Uri.EscapeDataString(service));
        query.AddRange(scopes.Select(s => "scope=" + Uri.EscapeDataString(s.ToString())));
        var builder = new UriBuilder(realm);
        var existing = builder.Query.TrimStart('?');
        builder.Query = string.Join('&', new[] { existing }.Where(q => q.Length > 0).Concat(query));
        using var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (credential is not null) request.Headers.Authorization = BasicHeader(credential);
        return await SendAsync(request, cancellationToken);
    }

    private async Task<(HttpStatusCode? Status, IssuedToken? Token)> PostAsync(Uri realm, string? service, IReadOnlyList<RegistryScope> scopes,
        IEnumerable<(string, string)> grant, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>();
        form.AddRange(grant.Select(g => new KeyValuePair<string, string>(g.Item1, g.Item2)));
        if (service is not null) form.Add(new("service", service));
        if (scopes.Count > 0) form.Add(new("scope", string.Join(' ', scopes)));
        form.Add(new("client_id", options.ClientId));
        using var request = new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
        return await SendAsync(request, cancellationToken);
    }

    private async Task<(HttpStatusCode? Status, IssuedToken? Token)> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await send(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) return (response.StatusCode, null);
        var (body, truncated) = await ResponseBodies.ReadAtMostAsync(response.Content, ResponseBodies.MaxTokenBytes, cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, truncated ? null : ParseToken(body));
    }

    /// <summary>Reads <c>token</c> (or <c>access_token</c>) and <c>expires_in</c>; null when the body holds neither token.</summary>
    private IssuedToken? ParseToken(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            string? token = null;
            foreach (var name in new[] { "token", "access_token" })
            {
                if (doc.RootElement.TryGetProperty(name, out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } s)
                {
                    token = s;
                    break;
                }
            }
            if (token is null) return null;
            var lifetime = options.DefaultTokenLifetime;
            if (doc.RootElement.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var seconds) && seconds > 0)
                lifetime = TimeSpan.FromSeconds(seconds);
            return new IssuedToken(token, lifetime);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The Basic header for a user name and password (RFC 7617: base64 of <c>user:password</c> in UTF-8).</summary>
    internal static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    private static string Describe(HttpStatusCode? status) =>
        status is { } s && (int)s is >= 200 and < 300 ? $"HTTP {(int)s} without a token" : $"HTTP {(int?)status}";

    private static ChunkedBuildException Failed(string registry, string realm, string scope, string origin, string what) =>
        new(ErrorCodes.RegistryTokenRequestFailed,
            $"the token endpoint {realm} of registry {registry} gave no token for scope '{scope}' with credentials from {origin}: {what}");
}
