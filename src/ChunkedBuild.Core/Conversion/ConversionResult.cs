using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>A tag written to the destination and what it points at.</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Descriptor">The manifest or index it names.</param>
/// <param name="Variant">The variant, for <see cref="PublishMode.Tags"/>; null for an index holding every variant.</param>
public sealed record PublishedTag(string Tag, Descriptor Descriptor, LayerVariant? Variant);

/// <summary>Totals for one variant across all platforms (layers counted once per distinct source layer).</summary>
public sealed record VariantSummary
{
    /// <summary>The variant.</summary>
    public required LayerVariant Variant { get; init; }

    /// <summary>The manifests written, one per platform.</summary>
    public required IReadOnlyList<VariantManifest> Manifests { get; init; }

    /// <summary>Sum of the variant's distinct layer sizes.</summary>
    public required long LayerBytes { get; init; }

    /// <summary>Sum of the source's distinct layer sizes.</summary>
    public required long OriginalLayerBytes { get; init; }

    /// <summary>Layers converted in this run.</summary>
    public required int Converted { get; init; }

    /// <summary>Layers reused: from the cache or already in the format.</summary>
    public required int Reused { get; init; }

    /// <summary>Layers taken from a registry cache (converted by another run, verified against the source here).</summary>
    public int Shared { get; init; }

    /// <summary>Layers kept in their original compression (the format could not represent them), or passed through for the original variant.</summary>
    public required int Kept { get; init; }
}

/// <summary>What a conversion wrote.</summary>
public sealed record ConversionResult
{
    /// <summary>The tags written, in order.</summary>
    public required IReadOnlyList<PublishedTag> Tags { get; init; }

    /// <summary>Per-variant totals, in publishing order.</summary>
    public required IReadOnlyList<VariantSummary> Variants { get; init; }

    /// <summary>The prioritization plan of each source platform manifest (by its digest), when the eStargz variant was made.</summary>
    public IReadOnlyDictionary<Digest, PrioritizationPlan> Plans { get; init; } = new Dictionary<Digest, PrioritizationPlan>();

    /// <summary>What the registry cache did; null when none was used (turned off, or neither a registry destination nor a cache reference).</summary>
    public RegistryCacheReport? RegistryCache { get; init; }

    /// <summary>What the destination registry does with the <c>Range</c> GETs lazy and partial pulls send; null when not probed (no registry destination, or turned off).</summary>
    public RegistryCheckReport? RegistryCheck { get; init; }

    /// <summary>The warnings raised (e.g. layers kept in their original compression).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
}
