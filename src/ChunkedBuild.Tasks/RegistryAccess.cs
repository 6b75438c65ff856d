using ChunkedBuild.Core.Conversion;

namespace ChunkedBuild.Tasks;

/// <summary>Registry access for push mode, configured as the .NET SDK configures its own (environment credentials, docker config, insecure registries).</summary>
public static class RegistryAccess
{
    /// <summary>The registry transport, or null while registry support is not available to the task.</summary>
    public static IRegistryTransport? Create() => null;
}
