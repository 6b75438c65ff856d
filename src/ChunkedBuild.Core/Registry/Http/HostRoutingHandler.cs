using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ChunkedBuild.Core.Registry.Http;

/// <summary>
/// The network transport of a <see cref="RegistryClient"/>: two <see cref="SocketsHttpHandler"/>s, one verifying TLS (with the
/// extra CAs of <see cref="RegistryClientOptions.TrustedRoots"/>) and one that accepts any certificate, chosen per request by
/// whether the request's host is insecure. Redirects and decompression are off: the client follows redirects itself.
/// </summary>
internal sealed class HostRoutingHandler : HttpMessageHandler
{
    private readonly HttpMessageInvoker _verified;
    private readonly HttpMessageInvoker _unverified;
    private readonly Func<string, bool> _isInsecure;

    private HostRoutingHandler(HttpMessageHandler verified, HttpMessageHandler unverified, bool disposeHandlers, Func<string, bool> isInsecure)
    {
        _verified = new HttpMessageInvoker(verified, disposeHandlers);
        _unverified = new HttpMessageInvoker(unverified, disposeHandlers);
        _isInsecure = isInsecure;
    }

    /// <summary>The transport for <paramref name="options"/> (the test override, when given, serves every host).</summary>
    public static HostRoutingHandler Create(RegistryClientOptions options)
    {
        if (options.Transport is { } transport) return new HostRoutingHandler(transport, transport, disposeHandlers: false, options.IsInsecure);
        var roots = options.TrustedRoots;
        var verified = NewSocketsHandler(options, (_, certificate, chain, errors) => Validate(roots, certificate, chain, errors));
        var unverified = NewSocketsHandler(options, (_, _, _, _) => true);
        return new HostRoutingHandler(verified, unverified, disposeHandlers: true, options.IsInsecure);
    }

    private static SocketsHttpHandler NewSocketsHandler(RegistryClientOptions options, RemoteCertificateValidationCallback validate) => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ConnectTimeout = options.ConnectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseCookies = false,
        MaxConnectionsPerServer = Math.Max(4, options.MaxParallelUploads * 2),
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = validate },
    };

    /// <summary>Accepts what the system store accepts, and otherwise a chain (with the right host name) ending at one of <paramref name="roots"/>.</summary>
    internal static bool Validate(X509Certificate2Collection? roots, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (roots is null || certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        (_isInsecure(request.RequestUri!.Authority) ? _unverified : _verified).SendAsync(request, cancellationToken);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _verified.Dispose();
            _unverified.Dispose();
        }
        base.Dispose(disposing);
    }
}
