using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>One image once its layers are converted: a manifest per platform and variant, whose blobs and configs are in the sink.</summary>
/// <param name="Image">The image as the source resolved it.</param>
/// <param name="Tags">The tags it is published under.</param>
/// <param name="Manifests">Per platform (in index order), per variant (in the request's order): the manifest built.</param>
internal sealed record BuiltImage(SourceImage Image, IReadOnlyList<string> Tags, IReadOnlyList<VariantManifest> Manifests);
