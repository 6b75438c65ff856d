namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>
/// An HTTP handler that answers registry auth challenges (<c>WWW-Authenticate: Basic</c> / <c>Bearer</c>) with the credentials
/// from an <see cref="ICredentialProvider"/>, caching tokens per scope and adding them proactively to later requests.
/// Placeholder: passes requests through until the auth implementation lands.
/// </summary>
public sealed class RegistryAuthHandler : DelegatingHandler
{
    private readonly ICredentialProvider? _credentials;

    /// <summary>Creates the handler.</summary>
    /// <param name="credentials">Where credentials come from; null for anonymous access only.</param>
    /// <param name="innerHandler">The transport handler.</param>
    public RegistryAuthHandler(ICredentialProvider? credentials, HttpMessageHandler innerHandler) : base(innerHandler)
    {
        _credentials = credentials;
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
