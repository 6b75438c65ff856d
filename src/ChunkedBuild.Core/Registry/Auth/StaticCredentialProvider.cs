using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>
/// Credentials given on the command line: <c>--creds user:pass</c>, or <c>--username</c> with <c>--password-stdin</c>.
/// They apply to every registry, or only to one when a host is given.
/// </summary>
public sealed class StaticCredentialProvider : ICredentialProvider
{
    private readonly RegistryCredential _credential;
    private readonly string? _registryHost;

    /// <summary>Creates the provider.</summary>
    /// <param name="credential">The credentials.</param>
    /// <param name="registryHost">Only answer for this registry (host[:port]); null answers for every registry.</param>
    public StaticCredentialProvider(RegistryCredential credential, string? registryHost = null)
    {
        _credential = credential;
        _registryHost = registryHost;
    }

    /// <summary>Parses <c>--creds user:password</c> (split at the first colon; the password may hold colons).</summary>
    /// <exception cref="ChunkedBuildException"><see cref="ErrorCodes.InvalidCredentialOption"/> when there is no colon or a part is empty (the value is not echoed).</exception>
    public static StaticCredentialProvider FromCredsOption(string creds, string? registryHost = null)
    {
        var colon = creds.IndexOf(':');
        if (colon <= 0 || colon == creds.Length - 1)
            throw new ChunkedBuildException(ErrorCodes.InvalidCredentialOption,
                "--creds must be 'username:password' with both parts non-empty (the value is not shown because it holds a secret)");
        return new StaticCredentialProvider(new RegistryCredential { Username = creds[..colon], Password = creds[(colon + 1)..], Origin = "--creds" }, registryHost);
    }

    /// <summary>Builds the credentials of <c>--username</c> with <c>--password-stdin</c>: the password is all of <paramref name="stdin"/> without its trailing newline.</summary>
    /// <exception cref="ChunkedBuildException"><see cref="ErrorCodes.InvalidCredentialOption"/> when the user name or the password is empty.</exception>
    public static StaticCredentialProvider FromPasswordStdin(string username, TextReader stdin, string? registryHost = null)
    {
        if (string.IsNullOrEmpty(username))
            throw new ChunkedBuildException(ErrorCodes.InvalidCredentialOption, "--password-stdin needs --username");
        var password = stdin.ReadToEnd();
        if (password.EndsWith('\n')) password = password[..^1];
        if (password.EndsWith('\r')) password = password[..^1];
        if (password.Length == 0)
            throw new ChunkedBuildException(ErrorCodes.InvalidCredentialOption, "--password-stdin read an empty password from standard input");
        return new StaticCredentialProvider(new RegistryCredential { Username = username, Password = password, Origin = "--username/--password-stdin" }, registryHost);
    }

    /// <inheritdoc />
    public ValueTask<RegistryCredential?> GetAsync(string registryHost, bool forPush, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_registryHost is null || string.Equals(_registryHost, registryHost, StringComparison.OrdinalIgnoreCase) ? _credential : null);
}
