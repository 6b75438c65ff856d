using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>One single-platform image found under a source image: its manifest, its config and its platform.</summary>
public sealed record PlatformImage
{
    /// <summary>The manifest's descriptor as its parent index (or the source) names it.</summary>
    public required Descriptor Descriptor { get; init; }

    /// <summary>The manifest, with its raw bytes.</summary>
    public required OciDocument<Manifest> Manifest { get; init; }

    /// <summary>The config's raw bytes (never re-serialized unless DiffIDs change).</summary>
    public required byte[] ConfigRaw { get; init; }

    /// <summary>The parsed config.</summary>
    public required ImageConfig Config { get; init; }

    /// <summary>The platform: from the index entry when it names one, else from the config (the SDK writes <c>"platform":{}</c>).</summary>
    public required Platform Platform { get; init; }
}
