using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats;

/// <summary>Everything a layer descriptor and an image config need about a converted layer.</summary>
public sealed record LayerWriteResult
{
    /// <summary>OCI media type of the blob.</summary>
    public required string MediaType { get; init; }
    /// <summary>sha256 of the whole blob (the descriptor digest).</summary>
    public required Digest Digest { get; init; }
    /// <summary>Blob length in bytes.</summary>
    public required long Size { get; init; }
    /// <summary>sha256 of the decompressed blob (the config's <c>rootfs.diff_ids</c> entry).</summary>
    public required Digest DiffId { get; init; }
    /// <summary>Length of the decompressed blob.</summary>
    public required long UncompressedSize { get; init; }
    /// <summary>The value of the format's TOC annotation (the identity lazy pullers trust).</summary>
    public required Digest TocDigest { get; init; }
    /// <summary>The annotations the layer descriptor must carry, sorted by key.</summary>
    public required IReadOnlyDictionary<string, string> Annotations { get; init; }
    /// <summary>
    /// The sparse entries written as regular files (<see cref="SparseMode.Densify"/>), in tar order: the blob then decompresses to a new tar,
    /// not to the input, whatever the format.
    /// </summary>
    public IReadOnlyList<Tar.DensifiedEntry> DensifiedEntries { get; init; } = [];
    /// <summary>Non-fatal notes (e.g. a synthesized end-of-archive marker).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
