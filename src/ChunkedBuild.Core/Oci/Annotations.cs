namespace ChunkedBuild.Core.Oci;

/// <summary>
/// Annotation keys of image documents that are not a layer format's own (those live in each format's spec: docs/formats.md §1.9, §3.6).
/// </summary>
public static class Annotations
{
    /// <summary>Index manifest descriptor marker for zstd instances (containers/image).</summary>
    public const string CompressionZstd = "io.github.containers.compression.zstd";
}
