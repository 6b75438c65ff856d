using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports.Layout;

/// <summary>
/// <see cref="ImageCopy"/> of an image read straight from an <see cref="OciLayoutReader"/> (messages name it "the layout"), for callers
/// that hold a reader rather than a source (<c>push</c> copies from any source, through the transports).
/// </summary>
public static class LayoutPush
{
    /// <summary>Pushes the image <paramref name="root"/> of <paramref name="layout"/> and tags it with <paramref name="tags"/>.</summary>
    /// <returns>The root descriptor as pushed.</returns>
    public static async Task<Descriptor> PushAsync(OciLayoutReader layout, Descriptor root, IImageSink sink, IReadOnlyList<string> tags,
        CancellationToken cancellationToken = default)
    {
        await ImageCopy.CopyAsync("the layout", (descriptor, _) => Task.FromResult(layout.ReadBlob(descriptor)),
            blob => new BlobContent(_ => Task.FromResult(layout.OpenBlob(blob))), root, sink, tags, cancellationToken).ConfigureAwait(false);
        return root;
    }
}
