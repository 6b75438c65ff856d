namespace ChunkedBuild.Core.Transports.Archive;

/// <summary>
/// File names of a <c>docker save</c> / <c>docker load</c> archive: a top-level <c>manifest.json</c>
/// (<c>[{"Config":"&lt;hex&gt;.json","RepoTags":["name:tag"],"Layers":["&lt;hex&gt;/layer.tar"]}]</c>), the config files it names and
/// one file per layer (uncompressed tar from docker/skopeo; gzip data from the .NET SDK, despite the <c>.tar</c> name).
/// </summary>
public static class DockerArchiveFiles
{
    /// <summary>The archive's table of contents.</summary>
    public const string ManifestFile = "manifest.json";
}
