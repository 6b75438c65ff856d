using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Registry.Auth;
using ChunkedBuild.Core.Transports;

namespace ChunkedBuild.Tool.Commands;

/// <summary>
/// The registry options every image command shares (<c>--creds</c>, <c>--username</c> + <c>--password-stdin</c>, <c>--insecure</c>,
/// <c>--ca-file</c>, <c>--cert-dir</c>) and the credential order built from them: flags (for one registry only), then the .NET SDK's
/// variables (<c>DOTNET_CONTAINER_*_UNAME/PWORD</c>), then <c>REGISTRY_AUTH_FILE</c> / containers <c>auth.json</c> / docker <c>config.json</c>
/// (with credential helpers).
/// </summary>
public sealed class RegistryCliOptions
{
    private readonly Option<string?> _creds = new("--creds") { Description = "Registry credentials as user:password (visible in the process list: prefer --password-stdin)." };
    private readonly Option<string?> _username = new("--username", "-u") { Description = "Registry user name; the password or token is read from stdin (--password-stdin)." };
    private readonly Option<bool> _passwordStdin = new("--password-stdin") { Description = "Read the password (or token) for --username from stdin." };
    private readonly Option<bool> _insecure = new("--insecure") { Description = "Allow plain HTTP and unverified TLS for every registry (127.0.0.1/localhost always are; others via DOTNET_CONTAINER_INSECURE_REGISTRIES)." };
    private readonly Option<FileInfo?> _caFile = new("--ca-file") { Description = "A PEM file of extra CA certificates to trust for registries' TLS certificates." };
    private readonly Option<DirectoryInfo?> _certDir = new("--cert-dir") { Description = "A folder of extra CA certificates (*.crt, *.pem), like docker's certs.d/<registry>/." };
    private readonly Option<int?> _timeout = new("--timeout")
    {
        Description = "Seconds one registry request may take, connecting and its whole answer included (default 60); blob bodies may take longer while data flows, uploads up to 10 min.",
    };

    /// <summary>Help text on where credentials come from and where they may go.</summary>
    public const string Help = """
        Registry credentials, first found wins: --creds / --username + --password-stdin (for the registry of the image the command writes,
        or reads when it writes none); DOTNET_CONTAINER_PUSH_REGISTRY_UNAME/PWORD, DOTNET_CONTAINER_REGISTRY_UNAME/PWORD (as the .NET SDK);
        REGISTRY_AUTH_FILE, else containers auth.json, else docker config.json (auths, credHelpers, credsStore). Credentials go over HTTPS,
        or plain HTTP only to loopback hosts, hosts in DOTNET_CONTAINER_INSECURE_REGISTRIES or with --insecure (token endpoints included).
        """;

    /// <summary>Adds the options and their consistency checks to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_creds);
        command.Options.Add(_username);
        command.Options.Add(_passwordStdin);
        command.Options.Add(_insecure);
        command.Options.Add(_caFile);
        command.Options.Add(_certDir);
        command.Options.Add(_timeout);
        command.Validators.Add(r =>
        {
            if (r.GetValue(_timeout) is <= 0) r.AddError("--timeout must be at least 1 second");
            if (r.GetResult(_creds) is not null && r.GetResult(_username) is not null) r.AddError("give --creds or --username, not both");
            if ((r.GetResult(_username) is not null) != r.GetValue(_passwordStdin)) r.AddError("--username and --password-stdin go together");
        });
    }

    /// <summary>The registry settings of the flags and the process environment; flag credentials answer only for <paramref name="flagRegistry"/>.</summary>
    public RegistrySettings Settings(ParseResult parse, string? flagRegistry, IProgress<BlobTransferProgress>? progress = null)
    {
        ICredentialProvider? flags = null;
        if (parse.GetValue(_creds) is { } creds) flags = StaticCredentialProvider.FromCredsOption(creds, flagRegistry ?? "");
        else if (parse.GetValue(_username) is { } user && parse.GetValue(_passwordStdin)) flags = StaticCredentialProvider.FromPasswordStdin(user, Console.In, flagRegistry ?? "");
        return new RegistrySettings
        {
            Environment = Environment.GetEnvironmentVariable,
            UserProfile = ProcessHost.UserProfile,
            FlagCredentials = flags,
            Insecure = parse.GetValue(_insecure),
            TrustedRoots = TrustedRoots(parse.GetValue(_caFile), parse.GetValue(_certDir)),
            Timeout = parse.GetValue(_timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            Progress = progress,
        };
    }

    /// <summary>
    /// The registry transport for an image command that reads <paramref name="source"/> and writes <paramref name="destination"/>
    /// (null when it writes nothing); flag credentials go to the registry <see cref="FlagRegistry"/> names.
    /// </summary>
    public IRegistryTransport Transport(ParseResult parse, string source, string? destination, IProgress<BlobTransferProgress>? progress = null) =>
        new RegistryImageTransport(Settings(parse, FlagRegistry(source, destination), progress));

    /// <summary>
    /// The registry the credential flags are for: the one the command writes to, or the one it reads from when it writes to none
    /// (<c>convert docker://SRC oci:OUT</c> reads SRC with them); null when neither location is a registry.
    /// </summary>
    public static string? FlagRegistry(string? source, string? destination) =>
        (destination is null ? null : RegistryOf(destination)) ?? (source is null ? null : RegistryOf(source));

    /// <summary>The registry host of a <c>docker://</c> location, else null.</summary>
    public static string? RegistryOf(string location) =>
        location.StartsWith("docker://", StringComparison.Ordinal) && ImageReference.TryParse(location["docker://".Length..], out var reference, out _)
            ? reference.Registry : null;

    private static X509Certificate2Collection? TrustedRoots(FileInfo? caFile, DirectoryInfo? certDir)
    {
        if (caFile is null && certDir is null) return null;
        var roots = new X509Certificate2Collection();
        var files = new List<string>();
        if (caFile is not null) files.Add(caFile.FullName);
        if (certDir is not null)
        {
            if (!certDir.Exists) throw new ChunkedBuildException(ErrorCodes.IoError, $"--cert-dir '{certDir.FullName}' does not exist");
            files.AddRange(certDir.GetFiles("*.crt").Concat(certDir.GetFiles("*.pem")).Select(f => f.FullName).Order(StringComparer.Ordinal));
        }
        foreach (var file in files)
        {
            try
            {
                roots.ImportFromPemFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot read CA certificates from '{file}': {e.Message}", innerException: e);
            }
        }
        return roots;
    }
}
