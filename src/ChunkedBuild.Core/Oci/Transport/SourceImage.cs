namespace ChunkedBuild.Core.Oci.Transport;

/// <summary>An image a source offers for conversion: its root document (a manifest or an index) and the tags it is known by.</summary>
/// <param name="Descriptor">The root manifest or index.</param>
/// <param name="Tags">The tags (reference names) under which the source knows this image; may be empty.</param>
public sealed record SourceImage(Descriptor Descriptor, IReadOnlyList<string> Tags);
