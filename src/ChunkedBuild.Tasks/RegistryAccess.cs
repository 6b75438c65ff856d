using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports;

namespace ChunkedBuild.Tasks;

/// <summary>
/// Registry access for push mode, configured as the .NET SDK configures its own: credentials from
/// <c>DOTNET_CONTAINER_PUSH_REGISTRY_UNAME/PWORD</c>, <c>DOTNET_CONTAINER_REGISTRY_UNAME/PWORD</c>, then <c>REGISTRY_AUTH_FILE</c>,
/// containers <c>auth.json</c> or docker <c>config.json</c> (with credential helpers); plain HTTP for loopback registries and those in
/// <c>DOTNET_CONTAINER_INSECURE_REGISTRIES</c>.
/// </summary>
public static class RegistryAccess
{
    /// <summary>The registry transport, reading the environment through <paramref name="host"/>.</summary>
    public static IRegistryTransport Create(HostEnvironment host) =>
        new RegistryImageTransport(new RegistrySettings { Environment = host.Variable, UserProfile = host.UserProfileDirectory });
}
