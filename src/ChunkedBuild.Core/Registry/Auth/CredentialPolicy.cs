using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>
/// The one rule for where secrets may go — passwords, identity tokens, <c>Basic</c> headers and bearer tokens alike: over HTTPS
/// to any host; over plain HTTP only to a host that may use it (a loopback host, one listed in
/// <c>DOTNET_CONTAINER_INSECURE_REGISTRIES</c>, or any with <c>--insecure</c>); after a redirect only to the origin (scheme and
/// authority) that was asked. The auth handler asks it before attaching an <c>Authorization</c> header to a registry request,
/// the token client before sending credentials to a Bearer challenge's realm, and the redirect follower before letting a
/// redirected request carry them.
/// </summary>
public sealed class CredentialPolicy
{
    private readonly Func<string, bool> _mayUsePlainHttp;

    /// <summary>Creates the policy.</summary>
    /// <param name="mayUsePlainHttp">Whether a URI authority (<c>host[:port]</c>) may receive secrets over plain HTTP.</param>
    public CredentialPolicy(Func<string, bool> mayUsePlainHttp)
    {
        _mayUsePlainHttp = mayUsePlainHttp;
    }

    /// <summary>Plain HTTP for loopback hosts only: the default of a handler made without <see cref="RegistryClientOptions"/>.</summary>
    public static CredentialPolicy LoopbackOnly { get; } = new(RegistryClientOptions.IsLoopback);

    /// <summary>True when a request to <paramref name="destination"/> may carry credentials.</summary>
    public bool Allows(Uri destination) =>
        destination.IsAbsoluteUri && (destination.Scheme == Uri.UriSchemeHttps || (destination.Scheme == Uri.UriSchemeHttp && _mayUsePlainHttp(destination.Authority)));

    /// <summary>True when a request redirected from <paramref name="origin"/> to <paramref name="target"/> may keep its credentials: same scheme and authority only.</summary>
    public bool AllowsRedirect(Uri origin, Uri target) =>
        string.Equals(origin.Scheme, target.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(origin.Authority, target.Authority, StringComparison.OrdinalIgnoreCase)
        && Allows(target);

    /// <summary>Why <paramref name="destination"/> gets no credentials, and how a user allows it (for messages).</summary>
    public static string Refusal(Uri destination) =>
        $"{Redaction.Url(destination)} is plain HTTP to {destination.Authority}, which is not a loopback host, not listed in " +
        $"{RegistryClientOptions.InsecureRegistriesVariable} and --insecure is not set, so no credentials are sent there " +
        $"(list {destination.Authority} in {RegistryClientOptions.InsecureRegistriesVariable} or pass --insecure if plain HTTP is intended)";
}
