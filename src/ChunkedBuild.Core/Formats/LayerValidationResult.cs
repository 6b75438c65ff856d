using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats;

/// <summary>The verdict of a validator: one line per failed check.</summary>
public sealed record LayerValidationResult
{
    /// <summary>Failed checks, each naming the rule and the entry where there is one.</summary>
    public required IReadOnlyList<string> Failures { get; init; }
    /// <summary>The DiffID computed from the decompressed blob, when it could be computed.</summary>
    public Digest? DiffId { get; init; }
    /// <summary>The TOC digest the blob was checked against (the TOC found matched it), when the check got that far.</summary>
    public Digest? TocDigest { get; init; }
    /// <summary>Number of TOC entries seen.</summary>
    public int EntryCount { get; init; }
    /// <summary>
    /// Every entry of the decompressed full-pull stream, in order, as <see cref="LayerOrigin"/> compares them, when the validator read the
    /// stream entry by entry (eStargz); null otherwise. An origin check uses them instead of decompressing the blob again.
    /// </summary>
    public IReadOnlyList<TarEntryDigest>? StreamEntries { get; init; }
    /// <summary>True when every check passed.</summary>
    public bool IsValid => Failures.Count == 0;
}
