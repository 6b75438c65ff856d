using System.Text.RegularExpressions;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Registry;

/// <summary>
/// A registry image reference, <c>&lt;registry&gt;/&lt;repository&gt;[:tag][@digest]</c>, normalized the way docker does it:
/// a first path component without <c>.</c> or <c>:</c> that is not <c>localhost</c> is no registry, so <c>alpine</c> becomes
/// <c>docker.io/library/alpine:latest</c>; a reference with neither tag nor digest gets the tag <c>latest</c>.
/// </summary>
public sealed partial record ImageReference
{
    /// <summary>Docker Hub as references spell it (and as credentials are keyed).</summary>
    public const string DockerHub = "docker.io";

    /// <summary>The host that actually serves Docker Hub's registry API.</summary>
    public const string DockerHubApiHost = "registry-1.docker.io";

    /// <summary>The tag used when a reference names neither a tag nor a digest.</summary>
    public const string DefaultTag = "latest";

    // docker/distribution's limit on the whole name (registry + '/' + repository).
    private const int MaxNameLength = 255;

    private ImageReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry as references spell it: <c>host[:port]</c>, <c>docker.io</c> for Docker Hub.</summary>
    public string Registry { get; }

    /// <summary>The repository path, e.g. <c>library/alpine</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag, if any.</summary>
    public string? Tag { get; }

    /// <summary>The digest, if any (a reference may carry both a tag and a digest; the digest wins when pulling).</summary>
    public Digest? Digest { get; }

    /// <summary>The host (and port) that serves the distribution API: <see cref="Registry"/>, except for Docker Hub.</summary>
    public string ApiHost => Registry == DockerHub ? DockerHubApiHost : Registry;

    /// <summary>What to put after <c>/manifests/</c>: the digest when there is one, else the tag.</summary>
    public string ManifestReference => Digest?.ToString() ?? Tag ?? DefaultTag;

    /// <summary>Parses and normalizes a reference.</summary>
    /// <exception cref="ChunkedBuildException">CHB4001 when the text is not a valid reference.</exception>
    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference, out var error) ? reference
        : throw new ChunkedBuildException(ErrorCodes.InvalidImageReference, $"'{Redaction.Reference(text)}' is not a valid image reference: {error}");

    /// <summary>Parses and normalizes a reference; <paramref name="error"/> says why it is not one.</summary>
    public static bool TryParse(string? text, out ImageReference reference, out string error)
    {
        reference = null!;
        if (string.IsNullOrEmpty(text)) { error = "it is empty"; return false; }

        var name = text;
        Digest? digest = null;
        var at = name.IndexOf('@');
        // name@algorithm:hex is a digest; anything else after an '@' that comes before the first '/' is user-info (user:password@host/…).
        if (at >= 0 && !name[..at].Contains('/') && (name[(at + 1)..].Contains('/') || !name[(at + 1)..].Contains(':')))
        {
            error = "it holds user-info before the registry ('…@'); credentials never belong in a reference: give them with --creds, " +
                    "--username and --password-stdin, DOTNET_CONTAINER_REGISTRY_UNAME/PWORD or docker login";
            return false;
        }
        if (at >= 0)
        {
            if (!Oci.Digest.TryParse(name[(at + 1)..], out var d)) { error = "the part after '@' is not a digest sha256:<64 lowercase hex digits>"; return false; }
            digest = d;
            name = name[..at];
        }

        string? tag = null;
        var lastColon = name.LastIndexOf(':');
        if (lastColon > name.LastIndexOf('/'))
        {
            tag = name[(lastColon + 1)..];
            name = name[..lastColon];
            if (!ImageTag.IsValid(tag)) { error = $"the tag '{tag}' is not [A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}"; return false; }
        }

        string registry;
        string repository;
        var slash = name.IndexOf('/');
        var first = slash < 0 ? name : name[..slash];
        if (slash >= 0 && (first.Contains('.') || first.Contains(':') || first == "localhost"))
        {
            registry = first;
            repository = name[(slash + 1)..];
            if (!RegistryPattern().IsMatch(registry)) { error = $"the registry '{registry}' is not a host[:port]"; return false; }
        }
        else
        {
            registry = DockerHub;
            repository = name;
        }
        if (registry is "index.docker.io" or "registry-1.docker.io") registry = DockerHub;
        if (registry == DockerHub && !repository.Contains('/')) repository = "library/" + repository;

        if (repository.Length == 0) { error = "the repository is empty"; return false; }
        if (repository.Any(char.IsUpper)) { error = $"the repository '{repository}' must be lowercase"; return false; }
        if (!RepositoryPattern().IsMatch(repository))
        {
            error = $"the repository '{repository}' must be '/'-separated lowercase components of [a-z0-9] joined by '.', '_', '__' or '-'";
            return false;
        }
        if (registry.Length + 1 + repository.Length > MaxNameLength) { error = $"the name is longer than {MaxNameLength} characters"; return false; }

        if (tag is null && digest is null) tag = DefaultTag;
        reference = new ImageReference(registry, repository, tag, digest);
        error = "";
        return true;
    }

    /// <summary>The same repository with another tag and no digest.</summary>
    public ImageReference WithTag(string tag) =>
        ImageTag.IsValid(tag) ? new ImageReference(Registry, Repository, tag, null)
        : throw new ChunkedBuildException(ErrorCodes.InvalidImageReference, $"the tag '{tag}' is not [A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}");

    /// <summary>The same repository pinned to <paramref name="digest"/> (the tag is kept for display).</summary>
    public ImageReference WithDigest(Digest digest) => new(Registry, Repository, Tag, digest);

    /// <summary>The same registry with another repository and the default tag.</summary>
    public ImageReference InRepository(string repository) =>
        RepositoryPattern().IsMatch(repository) ? new ImageReference(Registry, repository, DefaultTag, null)
        : throw new ChunkedBuildException(ErrorCodes.InvalidImageReference, $"'{repository}' is not a valid repository name");

    /// <summary>The canonical form, e.g. <c>docker.io/library/alpine:latest</c> or <c>127.0.0.1:5000/app@sha256:…</c>.</summary>
    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is { } d ? "@" + d : "")}";

    // The distribution grammar: path components of lowercase alphanumerics separated by '.', '_', '__' or runs of '-'.
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();

    // A DNS name, an IPv4 address or a bracketed IPv6 address, with an optional port.
    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")]
    private static partial Regex RegistryPattern();
}
