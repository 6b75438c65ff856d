using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChunkedBuild.Core.Tests.Registry.Auth;

/// <summary>
/// Test certificates made with .NET's CertificateRequest: a CA, a TLS server certificate for 127.0.0.1 (IP SAN) signed by it,
/// and a self-signed RSA certificate for signing registry tokens, written as PEM files into a temporary folder.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private TestPki(string root) => Root = root;

    public string Root { get; }
    public X509Certificate2 Ca { get; private set; } = null!;
    public string ServerCertFile => Path.Combine(Root, "server.crt");
    public string ServerKeyFile => Path.Combine(Root, "server.key");

    /// <summary>The token-signing certificate (with its RSA key) and its PEM file for the registry's <c>rootcertbundle</c>.</summary>
    public X509Certificate2 TokenSigner { get; private set; } = null!;
    public string TokenSignerCertFile => Path.Combine(Root, "token-signer.crt");

    public static TestPki Create()
    {
        var pki = new TestPki(Directory.CreateTempSubdirectory("chunkedbuild-pki-").FullName);
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(7);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=ChunkedBuild Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        pki.Ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(pki.Ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var server = serverRequest.Create(pki.Ca, notBefore, notAfter, serial);
        File.WriteAllText(pki.ServerCertFile, server.ExportCertificatePem() + "\n" + pki.Ca.ExportCertificatePem() + "\n");
        File.WriteAllText(pki.ServerKeyFile, serverKey.ExportPkcs8PrivateKeyPem() + "\n");

        var signerKey = RSA.Create(2048);
        var signerRequest = new CertificateRequest("CN=ChunkedBuild Test Token Signer", signerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        signerRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        pki.TokenSigner = signerRequest.CreateSelfSigned(notBefore, notAfter);
        File.WriteAllText(pki.TokenSignerCertFile, pki.TokenSigner.ExportCertificatePem() + "\n");
        return pki;
    }

    /// <summary>A transport that trusts only the test CA (custom root trust), for HTTPS to the local registry.</summary>
    public SocketsHttpHandler TrustingHandler()
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(Ca);
        return new SocketsHttpHandler { SslOptions = { CertificateChainPolicy = policy }, UseProxy = false };
    }

    public void Dispose()
    {
        Ca.Dispose();
        TokenSigner.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
