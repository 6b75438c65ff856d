using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>One layer of one variant, ready to be written: its descriptor, its DiffID and where its bytes are.</summary>
public sealed record ConvertedLayer
{
    /// <summary>The layer descriptor for the variant's manifest (OCI media type, annotations).</summary>
    public required Descriptor Descriptor { get; init; }

    /// <summary>The sha256 of the layer's uncompressed tar (its config <c>rootfs.diff_ids</c> entry).</summary>
    public required Digest DiffId { get; init; }

    /// <summary>What happened.</summary>
    public required LayerOutcome Outcome { get; init; }

    /// <summary>The file holding the converted bytes; null when the bytes are the source blob itself.</summary>
    public string? BlobFile { get; init; }

    /// <summary>The <see cref="IO.FileFingerprint"/> of <see cref="BlobFile"/> when its content was last checked (null: copies are hashed).</summary>
    public string? BlobFingerprint { get; init; }

    /// <summary>A registry source the blob can be mounted from instead of uploaded (a registry cache entry), when there is one.</summary>
    public Oci.IImageSource? BlobOrigin { get; init; }

    /// <summary>The converted-layer cache key of this conversion (<see cref="LayerStore.Key"/>); null for layers not converted.</summary>
    public string? CacheKey { get; init; }

    /// <summary>The TOC digest, for converted formats.</summary>
    public Digest? TocDigest { get; init; }

    /// <summary>The sparse entries written as regular files (their layer has a new DiffID); empty when there were none.</summary>
    public IReadOnlyList<Tar.DensifiedEntry> DensifiedEntries { get; init; } = [];

    /// <summary>Why the layer was kept in its original compression (code, entry and rule), when it was.</summary>
    public string? KeptReason { get; init; }
}
