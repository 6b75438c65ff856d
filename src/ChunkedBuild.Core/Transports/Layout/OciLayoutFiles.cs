using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports.Layout;

/// <summary>
/// The OCI image layout on disk (image-spec layout.md):
/// <code>
/// oci-layout             {"imageLayoutVersion":"1.0.0"}
/// index.json             the top-level image index; entries carry org.opencontainers.image.ref.name
/// blobs/&lt;alg&gt;/&lt;hex&gt;    every manifest, config and layer, named by digest
/// </code>
/// </summary>
public static class OciLayoutFiles
{
    /// <summary>The marker file.</summary>
    public const string LayoutFile = "oci-layout";
    /// <summary>The top-level index.</summary>
    public const string IndexFile = "index.json";
    /// <summary>The blob folder.</summary>
    public const string BlobsFolder = "blobs";
    /// <summary>The content of <see cref="LayoutFile"/>.</summary>
    public const string LayoutContent = """{"imageLayoutVersion":"1.0.0"}""";
    /// <summary>The annotation that names an index entry (a tag in the layout).</summary>
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary>The relative path of a blob ('/'-separated, as in a layout tar; file APIs accept it everywhere).</summary>
    public static string BlobPath(Digest digest) => $"{BlobsFolder}/{digest.Algorithm}/{digest.Hex}";
}
