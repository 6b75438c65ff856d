
namespace ChunkedBuild.Core.Oci;

/// <summary>An image a source offers for conversion: its root document (a manifest or an index) and the tags it is known by.</summary>
/// <param name="Descriptor">The root manifest or index.</param>
/// <param name="Tags">The tags (reference names) under which the source knows this image; may be empty.</param>
public sealed record SourceImage(Descriptor Descriptor, IReadOnlyList<string> Tags)
{
    /// <summary>
    /// Further roots holding the same image in other variants under the variant tags of <see cref="Tags"/> (e.g. <c>1.0-estargz</c> and
    /// <c>1.0-zstdchunked</c> beside <c>1.0</c>, as <c>convert --publish tags</c> writes them); empty for most sources.
    /// </summary>
    public IReadOnlyList<Descriptor> Variants { get; init; } = [];

    /// <summary><see cref="Descriptor"/>, then <see cref="Variants"/>.</summary>
    public IEnumerable<Descriptor> Roots => [Descriptor, .. Variants];
}
