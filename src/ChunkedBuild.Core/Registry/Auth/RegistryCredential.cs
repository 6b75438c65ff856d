namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>
/// Credentials for one registry: a user name and password (or a personal access token as password), or an identity
/// (refresh) token. <see cref="ToString"/> never prints the secret.
/// </summary>
public sealed record RegistryCredential
{
    /// <summary>The user name (for identity tokens docker uses <c>&lt;token&gt;</c>).</summary>
    public string? Username { get; init; }

    /// <summary>The password or access token.</summary>
    public string? Password { get; init; }

    /// <summary>An OAuth2 refresh ("identity") token, used with <c>grant_type=refresh_token</c>.</summary>
    public string? IdentityToken { get; init; }

    /// <summary>Where the credential came from, for messages (e.g. <c>DOCKER_CONFIG auths</c>); never the secret itself.</summary>
    public string Origin { get; init; } = "";

    /// <inheritdoc />
    public override string ToString() => $"RegistryCredential {{ Username = {Username ?? "<none>"}, Secret = <redacted>, Origin = {Origin} }}";
}
