using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Inspection;

/// <summary>
/// The base layers of images: every platform manifest's layers but its top one (which changes with each build of the app), each
/// digest once, in ordinal order. A new base image changes them; a new build of the app on the same base does not, which is what the
/// GitHub action keys its converted-layer cache on (<c>inspect --base-layers</c>).
/// </summary>
public static class BaseLayers
{
    /// <summary>The base layer digests of <paramref name="images"/>.</summary>
    public static IReadOnlyList<Digest> Of(IEnumerable<InspectedImage> images) =>
    [
        .. images.SelectMany(i => i.Manifests).SelectMany(m => m.Layers.Take(m.Layers.Count - 1)).Select(l => l.Descriptor.Digest)
            .DistinctBy(d => d.ToString()).OrderBy(d => d.ToString(), StringComparer.Ordinal),
    ];
}
