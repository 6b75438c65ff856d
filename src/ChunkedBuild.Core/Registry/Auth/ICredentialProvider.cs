namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>Finds the credentials a user configured for a registry host (e.g. <c>ghcr.io</c>, <c>127.0.0.1:5000</c>).</summary>
public interface ICredentialProvider
{
    /// <summary>The credentials for <paramref name="registryHost"/>, or null for anonymous access.</summary>
    /// <param name="registryHost">The registry as references spell it (host[:port]; Docker Hub as <c>docker.io</c>).</param>
    /// <param name="forPush">True when the credentials are for pushing (the .NET SDK's variables differ for push and pull).</param>
    /// <param name="cancellationToken">Cancels a credential helper call.</param>
    ValueTask<RegistryCredential?> GetAsync(string registryHost, bool forPush, CancellationToken cancellationToken = default);
}
