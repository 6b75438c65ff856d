namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>Asks several providers in order and returns the first credentials found.</summary>
public sealed class CompositeCredentialProvider : ICredentialProvider
{
    private readonly ICredentialProvider[] _providers;

    /// <summary>Creates the provider from <paramref name="providers"/>, asked in this order.</summary>
    public CompositeCredentialProvider(IEnumerable<ICredentialProvider> providers)
    {
        _providers = providers.ToArray();
    }

    /// <summary>The providers, in the order they are asked.</summary>
    public IReadOnlyList<ICredentialProvider> Providers => _providers;

    /// <summary>
    /// The documented order (as the .NET SDK): command-line credentials (when given), then the SDK's environment variables, then
    /// the docker/podman auth files with their credential helpers.
    /// </summary>
    /// <param name="environment">Reads an environment variable; tests pass a dictionary lookup.</param>
    /// <param name="commandLine">Credentials from <c>--creds</c> or <c>--username</c>/<c>--password-stdin</c>, or null.</param>
    /// <param name="userProfile">The home folder for when <c>HOME</c> is unset, as the edge resolved it (<see cref="AuthFileCredentialProvider"/>).</param>
    public static CompositeCredentialProvider CreateDefault(Func<string, string?> environment, ICredentialProvider? commandLine = null, string? userProfile = null)
    {
        var providers = new List<ICredentialProvider>();
        if (commandLine is not null) providers.Add(commandLine);
        providers.Add(new SdkEnvironmentCredentialProvider(environment));
        providers.Add(new AuthFileCredentialProvider(environment, userProfile));
        return new CompositeCredentialProvider(providers);
    }

    /// <inheritdoc />
    public async ValueTask<RegistryCredential?> GetAsync(string registryHost, bool forPush, CancellationToken cancellationToken = default)
    {
        foreach (var provider in _providers)
        {
            var credential = await provider.GetAsync(registryHost, forPush, cancellationToken).ConfigureAwait(false);
            if (credential is not null) return credential;
        }
        return null;
    }
}
