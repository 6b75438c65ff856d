namespace ChunkedBuild.Core.Registry.Auth;

/// <summary>
/// What a registry request needs from auth: the registry (URI authority), the host credentials are looked up under, and the
/// scope the request's path and method imply (<c>/v2/&lt;repo&gt;/blobs|manifests|tags|referrers/…</c>; GET/HEAD pull,
/// other methods push).
/// </summary>
/// <param name="Registry">The URI authority (<c>host[:port]</c>) tokens and Basic headers are cached under.</param>
/// <param name="CredentialHost">The registry name credentials are stored under (Docker Hub's API hosts become <c>docker.io</c>).</param>
/// <param name="Scope">The scope the request needs, or null for the <c>/v2/</c> base and unknown paths.</param>
/// <param name="Action">The action checked against cached scopes: <c>pull</c> or <c>push</c>.</param>
/// <param name="ForPush">Whether credentials for pushing are wanted (a write method, or the request's push-intent option).</param>
internal sealed record RegistryRequestTarget(string Registry, string CredentialHost, RegistryScope? Scope, string Action, bool ForPush)
{
    private static readonly string[] DockerHubApiHosts = ["registry-1.docker.io", "index.docker.io", "registry.hub.docker.com"];

    public static RegistryRequestTarget From(HttpRequestMessage request, bool pushIntent)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("the request has no URI");
        var registry = uri.Authority;
        var credentialHost = DockerHubApiHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase) ? "docker.io" : registry;
        var write = request.Method != HttpMethod.Get && request.Method != HttpMethod.Head;
        var forPush = write || pushIntent;
        var action = write ? RegistryScope.Push : RegistryScope.Pull;
        var repository = RepositoryOf(uri.AbsolutePath);
        RegistryScope? scope = repository is not null
            ? RegistryScope.ForRepository(repository, forPush)
            : uri.AbsolutePath.TrimEnd('/') == "/v2/_catalog" ? new RegistryScope("registry", "catalog", ["*"]) : null;
        if (scope is { ResourceType: "registry" }) action = "*";
        return new RegistryRequestTarget(registry, credentialHost, scope, action, forPush);
    }

    /// <summary>The repository named by a distribution API path, found from the path's known tails; null for other paths.</summary>
    internal static string? RepositoryOf(string path)
    {
        if (!path.StartsWith("/v2/", StringComparison.Ordinal)) return null;
        var segments = path[4..].Split('/');
        var n = segments.Length;
        // Tails, matched from the end so a repository component named like a keyword is still part of the name:
        //   blobs/uploads/ | blobs/uploads/<id> | blobs/<digest> | manifests/<ref> | tags/list | referrers/<digest>
        int tail;
        if (n >= 3 && segments[n - 3] == "blobs" && segments[n - 2] == "uploads") tail = 3;
        else if (n >= 2 && segments[n - 2] is "blobs" or "manifests" or "referrers") tail = 2;
        else if (n >= 2 && segments[n - 2] == "tags" && segments[n - 1] == "list") tail = 2;
        else return null;
        if (n - tail < 1) return null;
        var name = string.Join('/', segments, 0, n - tail);
        return Uri.UnescapeDataString(name);
    }
}
