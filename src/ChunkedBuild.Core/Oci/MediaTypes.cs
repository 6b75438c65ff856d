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
}
