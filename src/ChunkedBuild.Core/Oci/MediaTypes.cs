namespace ChunkedBuild.Core.Oci;

/// <summary>Media types ChunkedBuild reads and writes.</summary>
public static class MediaTypes
{
    /// <summary>OCI layer, uncompressed tar.</summary>
    public const string OciLayerTar = "application/vnd.oci.image.layer.v1.tar";
    /// <summary>OCI layer, gzip (eStargz uses it too).</summary>
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    /// <summary>OCI layer, zstd (zstd:chunked uses it too).</summary>
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    /// <summary>OCI image manifest.</summary>
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    /// <summary>OCI image index.</summary>
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    /// <summary>OCI image config.</summary>
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    /// <summary>Docker v2 schema 2 manifest (cannot carry layer annotations).</summary>
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    /// <summary>Docker manifest list.</summary>
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    /// <summary>Docker image config.</summary>
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    /// <summary>Docker layer, gzip.</summary>
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /// <summary>Docker layer, zstd (rare).</summary>
    public const string DockerLayerZstd = "application/vnd.docker.image.rootfs.diff.tar.zstd";
    /// <summary>Docker layer, uncompressed.</summary>
    public const string DockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar";

    /// <summary>True for an image index or a Docker manifest list.</summary>
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    /// <summary>True for an image manifest (OCI or Docker v2).</summary>
    public static bool IsManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;

    /// <summary>True for a layer media type ChunkedBuild can read (tar, gzip or zstd; OCI or Docker).</summary>
    public static bool IsLayer(string? mediaType) => mediaType is OciLayerTar or OciLayerGzip or OciLayerZstd or DockerLayerGzip or DockerLayerZstd or DockerLayerTar;

    /// <summary>The OCI layer media type of a layer media type (Docker v2 types mapped to their OCI equivalents), or null when it is not a known layer type.</summary>
    public static string? OciLayerOf(string? mediaType) => mediaType switch
    {
        OciLayerGzip or DockerLayerGzip => OciLayerGzip,
        OciLayerZstd or DockerLayerZstd => OciLayerZstd,
        OciLayerTar or DockerLayerTar => OciLayerTar,
        _ => null,
    };
}
