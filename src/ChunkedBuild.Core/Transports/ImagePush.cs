using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;

namespace ChunkedBuild.Core.Transports;

/// <summary>What <see cref="ImagePush.CopyAsync"/> wrote.</summary>
/// <param name="Root">The image's root manifest or index, as copied.</param>
/// <param name="Statistics">What a registry sink sent (blobs uploaded, present, mounted; bytes); null for other sinks.</param>
public sealed record PushResult(Descriptor Root, RegistryPushStatistics? Statistics);

/// <summary>
/// <c>push</c>: the one image a source selects copied unchanged to a sink (<see cref="ImageCopy"/>), through the same
/// <see cref="ImageTransports"/> sources and sinks <c>convert</c> uses.
/// </summary>
public static class ImagePush
{
    /// <summary>Copies the image <paramref name="source"/> selects to <paramref name="sink"/>, tagged <paramref name="tag"/> when given.</summary>
    /// <exception cref="ChunkedBuildException">
    /// CHB2002 when the source selects more than one image (name one with <c>:&lt;ref&gt;</c>); CHB9001 when the destination is pinned by
    /// digest to another image.
    /// </exception>
    public static async Task<PushResult> CopyAsync(IImageSource source, IImageSink sink, string? tag, CancellationToken cancellationToken = default)
    {
        var images = await source.ResolveAsync(cancellationToken).ConfigureAwait(false);
        if (images.Count != 1 || images[0].Variants.Count > 0)
        {
            throw new ChunkedBuildException(ErrorCodes.ReferenceNotFound,
                $"{source.DisplayName} holds {images.Sum(i => i.Roots.Count())} images; name one with :<ref> (refs: {string.Join(", ", images.SelectMany(i => i.Tags).Distinct())})");
        }
        var root = images[0].Descriptor;
        if (sink is RegistryImageSink { Reference.Digest: { } pinned } && pinned != root.Digest)
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"the destination names {pinned}, but the image is {root.Digest}");
        await ImageCopy.CopyAsync(source, root, sink, tag is null ? [] : [tag], cancellationToken).ConfigureAwait(false);
        return new PushResult(root, (sink as RegistryImageSink)?.Statistics);
    }
}
