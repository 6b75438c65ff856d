using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>One platform image in one variant, as written: manifest and config documents and the layers they name.</summary>
public sealed record VariantManifest
{
    /// <summary>The variant.</summary>
    public required LayerVariant Variant { get; init; }

    /// <summary>The digest of the source manifest this variant was made from.</summary>
    public required Digest SourceManifest { get; init; }

    /// <summary>The platform.</summary>
    public required Platform Platform { get; init; }

    /// <summary>The manifest's raw bytes.</summary>
    public required ReadOnlyMemory<byte> ManifestRaw { get; init; }

    /// <summary>The manifest's descriptor (OCI manifest media type, with the platform).</summary>
    public required Descriptor Descriptor { get; init; }

    /// <summary>The config's raw bytes.</summary>
    public required ReadOnlyMemory<byte> ConfigRaw { get; init; }

    /// <summary>The config's descriptor.</summary>
    public required Descriptor ConfigDescriptor { get; init; }

    /// <summary>The layers, base first.</summary>
    public required IReadOnlyList<ConvertedLayer> Layers { get; init; }
}
