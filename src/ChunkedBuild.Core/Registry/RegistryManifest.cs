using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Registry;

/// <summary>A manifest or index as a registry served it: the exact bytes, their digest and the media type.</summary>
/// <param name="MediaType">The media type (the response's <c>Content-Type</c>, or the document's own field).</param>
/// <param name="Digest">sha256 of <paramref name="Raw"/>.</param>
/// <param name="Raw">The bytes as served.</param>
public sealed record RegistryManifest(string MediaType, Digest Digest, byte[] Raw)
{
    /// <summary>A descriptor of this document.</summary>
    public Descriptor Descriptor => new() { MediaType = MediaType, Digest = Digest, Size = Raw.LongLength };

    /// <summary>True for an image index or Docker manifest list.</summary>
    public bool IsIndex => MediaTypes.IsIndex(MediaType);
}
