namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>Settings of a <see cref="RegistryAuthHandler"/>.</summary>
public sealed record RegistryAuthOptions
{
    /// <summary>
    /// Receives one line per auth decision (challenge seen, token fetched or reused, request refused). Lines name registries,
    /// scopes, realms and credential origins, never a password, token or Authorization header.
    /// </summary>
    public Action<string>? Log { get; init; }

    /// <summary>The OAuth2 <c>client_id</c> sent with POSTed token requests.</summary>
    public string ClientId { get; init; } = "chunkedbuild";

    /// <summary>The clock for token expiry.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long a token lives when the token endpoint sends no <c>expires_in</c> (the distribution spec says 60 s).</summary>
    public TimeSpan DefaultTokenLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// True (default): a final 401 or 403 throws a <see cref="Errors.ChunkedBuildException"/> (<c>CHB4501</c>/<c>CHB4502</c>).
    /// False: the response is returned to the caller (e.g. to fall back from a refused cross-repository mount).
    /// </summary>
    public bool ThrowOnAuthFailure { get; init; } = true;

    /// <summary>
    /// Where credentials may go (registry requests and token realms alike). Default: HTTPS anywhere, plain HTTP to loopback hosts
    /// only; a <see cref="RegistryClient"/> passes its own (<see cref="RegistryClientOptions.CredentialPolicy"/>).
    /// </summary>
    public CredentialPolicy CredentialPolicy { get; init; } = CredentialPolicy.LoopbackOnly;
}
