using System.Security.Cryptography.X509Certificates;
using ChunkedBuild.Core.Registry.Auth;

namespace ChunkedBuild.Core.Registry;

/// <summary>
/// What an edge (the tool, the MSBuild task) knows about registry access: the user's flags and the process environment it read. Turned
/// into <see cref="RegistryClientOptions"/> in one place (<see cref="ClientOptions"/>) for every edge alike, so no edge builds registry
/// clients or their options itself. Credentials, first found wins: <see cref="FlagCredentials"/> (for one registry), the .NET SDK's
/// <c>DOTNET_CONTAINER_*_UNAME/PWORD</c>, then <c>REGISTRY_AUTH_FILE</c> / containers <c>auth.json</c> / docker <c>config.json</c>
/// (<c>DOCKER_CONFIG</c>, <c>XDG_RUNTIME_DIR</c>, <c>HOME</c>, with credential helpers); insecure hosts from
/// <c>DOTNET_CONTAINER_INSECURE_REGISTRIES</c>.
/// </summary>
public sealed record RegistrySettings
{
    /// <summary>Reads a variable of the process environment, as the edge passes it (tests pass a dictionary lookup); never read by Core otherwise.</summary>
    public required Func<string, string?> Environment { get; init; }

    /// <summary>The user's home folder for when <c>HOME</c> is unset, as the edge resolved it (<c>HostEnvironment.UserProfileDirectory</c>).</summary>
    public string? UserProfile { get; init; }

    /// <summary>Credentials from the command line (<c>--creds</c>, <c>--username</c> + <c>--password-stdin</c>), answering for one registry; null when none.</summary>
    public ICredentialProvider? FlagCredentials { get; init; }

    /// <summary>Every registry may use plain HTTP and unverified TLS (<c>--insecure</c>).</summary>
    public bool Insecure { get; init; }

    /// <summary>Extra CA certificates (<c>--ca-file</c>, <c>--cert-dir</c>).</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>How long one request may take (<c>--timeout</c>); connecting may take no longer. Null: the defaults.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Hears about blob transfers, for progress displays.</summary>
    public IProgress<BlobTransferProgress>? Progress { get; init; }

    /// <summary>The client options these settings give.</summary>
    public RegistryClientOptions ClientOptions()
    {
        var options = new RegistryClientOptions
        {
            Credentials = CompositeCredentialProvider.CreateDefault(Environment, FlagCredentials, UserProfile),
            Insecure = Insecure,
            TrustedRoots = TrustedRoots,
            Progress = Progress,
        }.FromEnvironment(Environment);
        if (Timeout is { } limit)
            options = options with { RequestTimeout = limit, ConnectTimeout = limit < options.ConnectTimeout ? limit : options.ConnectTimeout };
        return options;
    }
}
