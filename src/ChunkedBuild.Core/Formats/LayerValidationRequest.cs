using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats;

/// <summary>What a validator checks a blob against.</summary>
public sealed record LayerValidationRequest
{
    /// <summary>The layer descriptor's annotations, when known (preferred: they are what readers use).</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    /// <summary>The expected TOC digest when the annotations are not given (positions then come from the footer).</summary>
    public Digest? TocDigest { get; init; }
    /// <summary>The expected DiffID (config <c>rootfs.diff_ids</c> entry), when known.</summary>
    public Digest? DiffId { get; init; }
}
