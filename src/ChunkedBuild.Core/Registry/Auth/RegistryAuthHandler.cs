using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry.Http;

namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>
/// An HTTP handler that answers registry auth challenges (<c>WWW-Authenticate: Basic</c> / <c>Bearer</c>) with the credentials
/// from an <see cref="ICredentialProvider"/>, caching tokens per (registry, scope) and adding them (or the Basic header)
/// proactively to later requests whose repository and action the cached scope covers, so request bodies are sent once.
/// </summary>
/// <remarks>
/// After a 401 the request is re-sent once with the new authorization; that needs a body that can be sent twice (none,
/// <see cref="ByteArrayContent"/> and its subclasses, <see cref="ReadOnlyMemoryContent"/>, or content marked with
/// <see cref="ReplayableContentOption"/>). A stream body that met a 401 fails with <see cref="ErrorCodes.RegistryRequestNotReplayable"/>
/// (the new authorization stays cached, so sending it again works). A final 401/403 throws <see cref="ErrorCodes.RegistryAuthenticationFailed"/>
/// / <see cref="ErrorCodes.RegistryAccessDenied"/> naming the registry, scope and credential origin, never the secret.
/// Requests that already carry an <c>Authorization</c> header pass through untouched. No credentials go where
/// <see cref="RegistryAuthOptions.CredentialPolicy"/> forbids (plain HTTP to a host that may not receive them): such a request is
/// sent without authorization and a challenge fails with <see cref="ErrorCodes.RegistryCredentialsWithheld"/>; a token realm there
/// is asked for an anonymous token.
/// </remarks>
public sealed class RegistryAuthHandler : DelegatingHandler
{
    /// <summary>Mark a request whose content can safely be serialized twice (e.g. a <see cref="StreamContent"/> over a seekable stream).</summary>
    public static readonly HttpRequestOptionsKey<bool> ReplayableContentOption = new("ChunkedBuild.RegistryAuth.ReplayableContent");

    /// <summary>
    /// Mark a read request (GET/HEAD) that belongs to a push, so it is authorized with push credentials and a
    /// <c>pull,push</c> token that the push's later writes reuse without another challenge.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> PushIntentOption = new("ChunkedBuild.RegistryAuth.PushIntent");

    private readonly ICredentialProvider? _credentials;
    private readonly RegistryAuthOptions _options;
    private readonly AuthorizationCache _cache;
    private readonly BearerTokenClient _tokens;
    private readonly SemaphoreSlim _authorizeGate = new(1, 1);
    private readonly Lock _credentialLock = new();
    private readonly Dictionary<(string Host, bool Push), RegistryCredential?> _credentialCache = new();

    /// <summary>Creates the handler.</summary>
    /// <param name="credentials">Where credentials come from; null for anonymous access only.</param>
    /// <param name="innerHandler">The transport handler.</param>
    public RegistryAuthHandler(ICredentialProvider? credentials, HttpMessageHandler innerHandler)
        : this(credentials, innerHandler, null)
    {
    }

    /// <summary>Creates the handler with options (logging hook, clock, failure behaviour).</summary>
    /// <param name="credentials">Where credentials come from; null for anonymous access only.</param>
    /// <param name="innerHandler">The transport handler (also used for token requests).</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public RegistryAuthHandler(ICredentialProvider? credentials, HttpMessageHandler innerHandler, RegistryAuthOptions? options)
        : base(innerHandler)
    {
        _credentials = credentials;
        _options = options ?? new RegistryAuthOptions();
        _cache = new AuthorizationCache(_options.TimeProvider);
        _tokens = new BearerTokenClient((r, ct) => base.SendAsync(r, ct), _options);
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is not null || request.RequestUri is not { IsAbsoluteUri: true })
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        var pushIntent = request.Options.TryGetValue(PushIntentOption, out var p) && p;
        var target = RegistryRequestTarget.From(request, pushIntent);
        if (!_options.CredentialPolicy.Allows(request.RequestUri))
        {
            // No credentials of any kind go to this URL: send the request as it is and explain a challenge.
            var unauthenticated = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return unauthenticated.StatusCode == HttpStatusCode.Unauthorized ? Withheld(unauthenticated, request, target) : unauthenticated;
        }
        var attached = _cache.Find(target);
        if (attached is not null) request.Headers.Authorization = attached.Header;

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            if (attached is not null)
            {
                _cache.Remove(target.Registry, attached);
                Log($"auth {target.Registry}: cached {attached.Header.Scheme} authorization for {attached.ScopeText} was refused; answering the challenge");
            }
            var challenges = AuthChallenge.ParseAll(RawChallenges(response));
            var authorization = await AuthorizeAsync(target, challenges, attached, cancellationToken).ConfigureAwait(false);
            if (authorization is null || (attached is not null && authorization.Header.Equals(attached.Header)))
                return await FailAsync(response, request, target, authorization ?? attached, challenges, cancellationToken).ConfigureAwait(false);
            if (!CanResend(request))
            {
                response.Dispose();
                throw new ChunkedBuildException(ErrorCodes.RegistryRequestNotReplayable,
                    $"registry {target.Registry} asked to authenticate {request.Method} {request.RequestUri.AbsolutePath} after its body " +
                    $"({request.Content!.GetType().Name}) was sent, and a stream body cannot be sent twice; the authorization for " +
                    $"{authorization.ScopeText} is now cached, so sending the request again (with a fresh stream) authenticates up front");
            }
            response.Dispose();
            request.Headers.Authorization = authorization.Header;
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                _cache.Remove(target.Registry, authorization);
                return await FailAsync(response, request, target, authorization, challenges, cancellationToken).ConfigureAwait(false);
            }
            attached = authorization;
        }
        if (response.StatusCode == HttpStatusCode.Forbidden)
            return await FailAsync(response, request, target, attached, [], cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <summary>Answers the strongest supported challenge (Bearer, then Basic); null when there is nothing to answer with.</summary>
    private async Task<CachedAuthorization?> AuthorizeAsync(RegistryRequestTarget target, IReadOnlyList<AuthChallenge> challenges,
        CachedAuthorization? refused, CancellationToken cancellationToken)
    {
        var bearer = challenges.FirstOrDefault(c => c.Is("Bearer"));
        var basic = challenges.FirstOrDefault(c => c.Is("Basic"));
        if (bearer is null && basic is null)
        {
            if (challenges.Count == 0) return null;
            throw new ChunkedBuildException(ErrorCodes.RegistryChallengeUnsupported,
                $"registry {target.Registry} asks for authentication with {string.Join(", ", challenges.Select(c => c.Scheme))}; supported schemes are Basic and Bearer");
        }

        var credential = await GetCredentialAsync(target, cancellationToken).ConfigureAwait(false);
        var origin = credential?.Origin is { Length: > 0 } o ? o : "anonymous";
        if (bearer is null)
        {
            if (credential is not { Username.Length: > 0, Password: not null })
            {
                Log($"auth {target.Registry}: Basic challenge but no user name and password ({origin})");
                return null;
            }
            var entry = new CachedAuthorization(BearerTokenClient.BasicHeader(credential), [], DateTimeOffset.MaxValue, origin);
            _cache.StoreBasic(target.Registry, entry);
            Log($"auth {target.Registry}: answering Basic challenge with credentials from {origin}");
            return entry;
        }

        var scopes = MergeScopes(RegistryScope.ParseList(bearer["scope"]), target.Scope);
        await _authorizeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have fetched the same token while this one waited.
            var existing = _cache.FindExact(target.Registry, scopes);
            if (existing is not null && (refused is null || !existing.Header.Equals(refused.Header))) return existing;

            var scopeText = scopes.Count == 0 ? "(registry)" : string.Join(' ', scopes);
            Log($"auth {target.Registry}: Bearer challenge (realm {RealmName(bearer)}, service {bearer["service"] ?? "-"}); requesting scope {scopeText} with credentials from {origin}");
            var issued = await _tokens.FetchAsync(target.Registry, bearer, scopes, credential, cancellationToken).ConfigureAwait(false);
            var lifetime = issued.Lifetime > TimeSpan.FromSeconds(20) ? issued.Lifetime - TimeSpan.FromSeconds(10) : issued.Lifetime / 2;
            var tokenOrigin = issued.CredentialsWithheld
                ? $"anonymous (the credentials from {origin} were withheld from the plain-HTTP token endpoint {RealmName(bearer)})"
                : origin;
            var entry = new CachedAuthorization(new AuthenticationHeaderValue("Bearer", issued.Token), scopes,
                _options.TimeProvider.GetUtcNow() + lifetime, tokenOrigin);
            _cache.StoreToken(target.Registry, entry);
            Log($"auth {target.Registry}: got a token for {scopeText} valid for {(int)issued.Lifetime.TotalSeconds} s");
            return entry;
        }
        finally
        {
            _authorizeGate.Release();
        }
    }

    private async ValueTask<RegistryCredential?> GetCredentialAsync(RegistryRequestTarget target, CancellationToken cancellationToken)
    {
        if (_credentials is null) return null;
        var key = (target.CredentialHost, target.ForPush);
        lock (_credentialLock)
        {
            if (_credentialCache.TryGetValue(key, out var cached)) return cached;
        }
        var credential = await _credentials.GetAsync(target.CredentialHost, target.ForPush, cancellationToken).ConfigureAwait(false);
        lock (_credentialLock) _credentialCache[key] = credential;
        return credential;
    }

    /// <summary>The challenge's scopes plus the request's own, with actions on the same resource united.</summary>
    private static IReadOnlyList<RegistryScope> MergeScopes(IReadOnlyList<RegistryScope> fromChallenge, RegistryScope? fromRequest)
    {
        var all = fromRequest is null ? fromChallenge : fromChallenge.Append(fromRequest);
        return all.GroupBy(s => (s.ResourceType, s.Name))
            .Select(g => new RegistryScope(g.Key.ResourceType, g.Key.Name, g.SelectMany(s => s.Actions)))
            .OrderBy(s => s.ToString(), StringComparer.Ordinal)
            .ToArray();
    }

    private static bool CanResend(HttpRequestMessage request) =>
        request.Content is null or ByteArrayContent or ReadOnlyMemoryContent
        || (request.Options.TryGetValue(ReplayableContentOption, out var replayable) && replayable);

    /// <summary>The raw <c>WWW-Authenticate</c> values, unparsed by .NET so every challenge and quoted param survives.</summary>
    private static IEnumerable<string> RawChallenges(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? values : [];

    /// <summary>A 401 from a URL that may not receive credentials: the response when failures are returned, else CHB4509.</summary>
    private HttpResponseMessage Withheld(HttpResponseMessage response, HttpRequestMessage request, RegistryRequestTarget target)
    {
        Log($"auth {target.Registry}: {request.Method} {request.RequestUri!.AbsolutePath} asks to authenticate, but credentials are not sent over plain HTTP to this host");
        if (!_options.ThrowOnAuthFailure) return response;
        response.Dispose();
        throw new ChunkedBuildException(ErrorCodes.RegistryCredentialsWithheld,
            $"registry {target.Registry} asked to authenticate {request.Method}, but {CredentialPolicy.Refusal(request.RequestUri)}");
    }

    private async Task<HttpResponseMessage> FailAsync(HttpResponseMessage response, HttpRequestMessage request, RegistryRequestTarget target,
        CachedAuthorization? used, IReadOnlyList<AuthChallenge> challenges, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var scope = used is { Scopes.Count: > 0 } ? used.ScopeText : target.Scope?.ToString() ?? "(registry)";
        var origin = used?.Origin ?? "anonymous (no credentials found)";
        Log($"auth {target.Registry}: {request.Method} {request.RequestUri!.AbsolutePath} refused with HTTP {status} (scope {scope}, credentials from {origin})");
        if (!_options.ThrowOnAuthFailure) return response;

        var detail = await RegistryErrorSummaryAsync(response, cancellationToken).ConfigureAwait(false);
        response.Dispose();
        // The URL without its query: upload locations carry opaque state tokens that do not belong in messages.
        var url = Redaction.Url(request.RequestUri);
        var what = $"registry {target.Registry} refused {request.Method} {url} with HTTP {status} " +
                   $"for scope {scope} using credentials from {origin}{detail}";
        if (status == 403)
            throw new ChunkedBuildException(ErrorCodes.RegistryAccessDenied, what + "; the credentials are valid but lack this access");
        var hint = used is null
            ? challenges.Count == 0 ? "; the registry sent no WWW-Authenticate challenge" : "; configure credentials (--creds, DOTNET_CONTAINER_REGISTRY_UNAME/PWORD, docker login)"
            : "; check the user name and password or token";
        throw new ChunkedBuildException(ErrorCodes.RegistryAuthenticationFailed, what + hint);
    }

    /// <summary>The registry's own error codes and messages (<c>{"errors":[{"code","message"}]}</c>), short; empty when absent.</summary>
    private static async Task<string> RegistryErrorSummaryAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var (body, truncated) = await ResponseBodies.ReadAtMostAsync(response.Content, ResponseBodies.MaxErrorBytes, cancellationToken).ConfigureAwait(false);
            if (body.Length == 0 || truncated) return "";
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array) return "";
            var parts = errors.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object)
                .Select(e => $"{Str(e, "code")} {Str(e, "message")}".Trim())
                .Where(s => s.Length > 0).Take(3).ToArray();
            var text = string.Join("; ", parts);
            return text.Length == 0 ? "" : $" ({(text.Length > 200 ? text[..200] + "…" : text)})";
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException or InvalidOperationException)
        {
            return "";
        }

        static string Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
    }

    private static string RealmName(AuthChallenge bearer) =>
        Uri.TryCreate(bearer["realm"], UriKind.Absolute, out var realm) ? Redaction.Url(realm) : Redaction.Text(bearer["realm"] ?? "-");

    private void Log(string line) => _options.Log?.Invoke(line);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _authorizeGate.Dispose();
        base.Dispose(disposing);
    }
}
