namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>
/// The .NET SDK's container credential variables (Microsoft.NET.Build.Containers), in the SDK's order. Push:
/// <c>DOTNET_CONTAINER_PUSH_REGISTRY_UNAME/PWORD</c>, then <c>DOTNET_CONTAINER_REGISTRY_UNAME/PWORD</c>, then the legacy
/// <c>SDK_CONTAINER_REGISTRY_UNAME/PWORD</c>. Pull: <c>DOTNET_CONTAINER_PULL_REGISTRY_UNAME/PWORD</c>, then the two generic pairs.
/// A pair counts only when both variables are non-empty. The variables apply to every registry, as in the SDK.
/// </summary>
public sealed class SdkEnvironmentCredentialProvider : ICredentialProvider
{
    private static readonly string[] PushPrefixes = ["DOTNET_CONTAINER_PUSH_REGISTRY", "DOTNET_CONTAINER_REGISTRY", "SDK_CONTAINER_REGISTRY"];
    private static readonly string[] PullPrefixes = ["DOTNET_CONTAINER_PULL_REGISTRY", "DOTNET_CONTAINER_REGISTRY", "SDK_CONTAINER_REGISTRY"];

    private readonly Func<string, string?> _environment;

    /// <summary>Creates the provider.</summary>
    /// <param name="environment">Reads an environment variable as the edge passed it (the process environment; tests pass a dictionary lookup).</param>
    public SdkEnvironmentCredentialProvider(Func<string, string?> environment)
    {
        _environment = environment;
    }

    /// <inheritdoc />
    public ValueTask<RegistryCredential?> GetAsync(string registryHost, bool forPush, CancellationToken cancellationToken = default)
    {
        foreach (var prefix in forPush ? PushPrefixes : PullPrefixes)
        {
            var user = _environment(prefix + "_UNAME");
            var password = _environment(prefix + "_PWORD");
            if (!string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(password))
                return ValueTask.FromResult<RegistryCredential?>(new RegistryCredential
                {
                    Username = user,
                    Password = password,
                    Origin = $"environment variables {prefix}_UNAME/_PWORD",
                });
        }
        return ValueTask.FromResult<RegistryCredential?>(null);
    }
}
