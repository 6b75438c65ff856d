using System.Text.Json.Serialization;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion.Caching;

/// <summary>
/// The metadata stored next to a cached converted layer (<c>&lt;key&gt;.json</c> beside <c>&lt;key&gt;.blob</c>): enough to rebuild the
/// layer descriptor without reading the blob. A refusal is cached too, so a layer the format cannot represent is not retried.
/// </summary>
public sealed record LayerCacheRecord
{
    /// <summary>The source layer's uncompressed digest, checked against the config's DiffID on every use.</summary>
    [JsonPropertyName("sourceDiffId")] public required Digest SourceDiffId { get; init; }

    /// <summary>The converted layer's descriptor (null for a refusal).</summary>
    [JsonPropertyName("descriptor")] public Descriptor? Descriptor { get; init; }

    /// <summary>The converted layer's DiffID (null for a refusal).</summary>
    [JsonPropertyName("diffId")] public Digest? DiffId { get; init; }

    /// <summary>The TOC digest (null for a refusal).</summary>
    [JsonPropertyName("tocDigest")] public Digest? TocDigest { get; init; }

    /// <summary>The sparse entries the conversion densified (null or empty when none).</summary>
    [JsonPropertyName("densified")] public IReadOnlyList<Tar.DensifiedEntry>? DensifiedEntries { get; init; }

    /// <summary>The refusal's error code (null when converted).</summary>
    [JsonPropertyName("refusedCode")] public string? RefusedCode { get; init; }

    /// <summary>The refusal's message (null when converted).</summary>
    [JsonPropertyName("refusedMessage")] public string? RefusedMessage { get; init; }

    /// <summary>
    /// The blob file's <see cref="IO.FileFingerprint"/> when it was last known to hash to <see cref="Descriptor"/>'s digest (null: unknown, the
    /// next use hashes it).
    /// </summary>
    [JsonPropertyName("blobFingerprint")] public string? Fingerprint { get; init; }
}
