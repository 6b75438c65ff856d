using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>What the walk found of one image the source selected: its platforms (each with the variants it already holds) and its tags.</summary>
/// <param name="Image">The image as the source resolved it.</param>
/// <param name="Tags">The tags it is published under (<see cref="VariantPublisher.TagsFor"/>).</param>
/// <param name="Platforms">Its platforms, in index order.</param>
internal sealed record WalkedImage(SourceImage Image, IReadOnlyList<string> Tags, IReadOnlyList<SourcePlatform> Platforms);
