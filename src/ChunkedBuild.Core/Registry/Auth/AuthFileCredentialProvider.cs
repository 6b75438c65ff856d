using System.Text;
using System.Text.Json;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>
/// Credentials from the docker/podman auth files, found as the .NET SDK (Valleysoft.DockerCredsProvider) finds them:
/// <c>REGISTRY_AUTH_FILE</c> alone when set, else <c>$XDG_RUNTIME_DIR/containers/auth.json</c>,
/// <c>${XDG_CONFIG_HOME:-~/.config}/containers/auth.json</c> and <c>${DOCKER_CONFIG:-~/.docker}/config.json</c>.
/// In each existing file: <c>credHelpers[host]</c> (runs <c>docker-credential-&lt;name&gt; get</c>), then <c>credsStore</c>,
/// then <c>auths</c> (<c>auth</c> = base64 <c>user:password</c>, or <c>identitytoken</c>).
/// </summary>
/// <remarks>
/// Keys match the host exactly, or after dropping an <c>http(s)://</c> prefix and a path (docker's legacy <c>https://host/v1/</c>).
/// Docker Hub (<c>docker.io</c>) is looked up under <c>https://index.docker.io/v1/</c> first. Podman's per-namespace keys
/// (<c>host/namespace</c>) are not used, because a lookup here names only the registry.
/// </remarks>
public sealed class AuthFileCredentialProvider : ICredentialProvider
{
    /// <summary>Docker Hub's key in docker's config.json and the server URL its credential helpers store it under.</summary>
    public const string DockerHubKey = "https://index.docker.io/v1/";

    private static readonly string[] DockerHubNames = ["docker.io", "index.docker.io", "registry-1.docker.io"];

    private readonly Func<string, string?> _environment;
    private readonly string? _userProfile;

    /// <summary>Creates the provider.</summary>
    /// <param name="environment">Reads an environment variable (<c>REGISTRY_AUTH_FILE</c>, <c>XDG_*</c>, <c>DOCKER_CONFIG</c>,
    /// <c>HOME</c>, and <c>PATH</c> to find credential helpers); tests pass a dictionary lookup.</param>
    /// <param name="userProfile">The user's home folder when <c>HOME</c> is unset, as the edge resolved it (<c>HostEnvironment.UserProfileDirectory</c>);
    /// null: without <c>HOME</c>, only the files the other variables name are looked at.</param>
    public AuthFileCredentialProvider(Func<string, string?> environment, string? userProfile = null)
    {
        _environment = environment;
        _userProfile = userProfile;
    }

    /// <summary>The auth files looked at, in order (whether or not they exist).</summary>
    public IReadOnlyList<string> CandidateFiles()
    {
        var only = _environment("REGISTRY_AUTH_FILE");
        if (!string.IsNullOrEmpty(only)) return [only];
        var home = _environment("HOME") is { Length: > 0 } h ? h : string.IsNullOrEmpty(_userProfile) ? null : _userProfile;
        var files = new List<string>();
        if (_environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime) files.Add(Path.Combine(runtime, "containers", "auth.json"));
        var configHome = _environment("XDG_CONFIG_HOME") is { Length: > 0 } x ? x : home is null ? null : Path.Combine(home, ".config");
        if (configHome is not null) files.Add(Path.Combine(configHome, "containers", "auth.json"));
        var dockerConfig = _environment("DOCKER_CONFIG") is { Length: > 0 } d ? d : home is null ? null : Path.Combine(home, ".docker");
        if (dockerConfig is not null) files.Add(Path.Combine(dockerConfig, "config.json"));
        return files;
    }

    /// <inheritdoc />
    public async ValueTask<RegistryCredential?> GetAsync(string registryHost, bool forPush, CancellationToken cancellationToken = default)
    {
        foreach (var file in CandidateFiles())
        {
            if (!File.Exists(file)) continue;
            var credential = await FromFileAsync(file, registryHost, cancellationToken).ConfigureAwait(false);
            if (credential is not null) return credential;
        }
        return null;
    }

    private async Task<RegistryCredential?> FromFileAsync(string file, string registryHost, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ChunkedBuildException(ErrorCodes.MalformedAuthFile, $"auth file {file} could not be read: {e.Message}", innerException: e);
        }
        if (bytes.AsSpan().Trim((byte)' ').Length == 0) return null;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            // The message of a JsonException names only a position, never file content.
            throw new ChunkedBuildException(ErrorCodes.MalformedAuthFile, $"auth file {file} is not valid JSON (line {e.LineNumber + 1})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ChunkedBuildException(ErrorCodes.MalformedAuthFile, $"auth file {file} is not a JSON object");
            var serverUrl = IsDockerHub(registryHost) ? DockerHubKey : registryHost;

            if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object
                && FindEntry(helpers, registryHost) is { } helperEntry && helperEntry.Value.ValueKind == JsonValueKind.String
                && helperEntry.Value.GetString() is { Length: > 0 } helperName)
            {
                var fromHelper = await DockerCredentialHelper.GetAsync(helperName, serverUrl, _environment("PATH"),
                    $"credHelpers in {file}", cancellationToken).ConfigureAwait(false);
                if (fromHelper is not null) return fromHelper;
            }

            if (root.TryGetProperty("credsStore", out var store) && store.ValueKind == JsonValueKind.String && store.GetString() is { Length: > 0 } storeName)
            {
                var fromStore = await DockerCredentialHelper.GetAsync(storeName, serverUrl, _environment("PATH"),
                    $"credsStore in {file}", cancellationToken).ConfigureAwait(false);
                if (fromStore is not null) return fromStore;
            }

            if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object
                && FindEntry(auths, registryHost) is { } authEntry && authEntry.Value.ValueKind == JsonValueKind.Object)
                return FromAuthsEntry(authEntry.Value, file, authEntry.Name);
        }
        return null;
    }

    private static RegistryCredential? FromAuthsEntry(JsonElement entry, string file, string key)
    {
        var origin = $"auth file {file} (auths[\"{key}\"])";
        string? user = null, password = null;
        if (entry.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String && auth.GetString() is { Length: > 0 } encoded)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Trim()));
            }
            catch (FormatException)
            {
                throw new ChunkedBuildException(ErrorCodes.MalformedAuthFile, $"{origin}: 'auth' is not base64");
            }
            var colon = decoded.IndexOf(':');
            if (colon < 0)
                throw new ChunkedBuildException(ErrorCodes.MalformedAuthFile, $"{origin}: 'auth' does not decode to 'username:password'");
            user = decoded[..colon];
            password = decoded[(colon + 1)..];
        }
        var identityToken = entry.TryGetProperty("identitytoken", out var it) && it.ValueKind == JsonValueKind.String ? it.GetString() : null;
        if (!string.IsNullOrEmpty(identityToken))
            return new RegistryCredential { Username = string.IsNullOrEmpty(user) ? null : user, IdentityToken = identityToken, Origin = origin };
        if (string.IsNullOrEmpty(user) && string.IsNullOrEmpty(password)) return null;
        return new RegistryCredential { Username = user, Password = password, Origin = origin };
    }

    /// <summary>The property for <paramref name="registryHost"/>: Docker Hub's legacy key first, then exact, then normalized keys.</summary>
    private static JsonProperty? FindEntry(JsonElement map, string registryHost)
    {
        var properties = map.EnumerateObject().ToArray();
        var hub = IsDockerHub(registryHost);
        foreach (var p in properties)
        {
            if (hub && p.Name == DockerHubKey) return p;
        }
        foreach (var p in properties)
        {
            if (string.Equals(p.Name, registryHost, StringComparison.OrdinalIgnoreCase)) return p;
        }
        foreach (var p in properties)
        {
            var host = NormalizeKey(p.Name);
            if (host is null) continue;
            if (string.Equals(host, registryHost, StringComparison.OrdinalIgnoreCase) || (hub && IsDockerHub(host))) return p;
        }
        return null;
    }

    /// <summary>The host of an auths/credHelpers key: <c>https://host/v1/</c> → <c>host</c>; <c>host</c> stays; <c>host/namespace</c> → null.</summary>
    internal static string? NormalizeKey(string key)
    {
        var hadScheme = false;
        foreach (var scheme in new[] { "https://", "http://" })
        {
            if (key.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                key = key[scheme.Length..];
                hadScheme = true;
                break;
            }
        }
        var slash = key.IndexOf('/');
        if (slash < 0) return key;
        return hadScheme ? key[..slash] : null;
    }

    private static bool IsDockerHub(string host) => DockerHubNames.Contains(host, StringComparer.OrdinalIgnoreCase);
}
