using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Oci.Layout;
using ChunkedBuild.Core.Oci.Transport;

namespace ChunkedBuild.Core.Registry;

/// <summary>
/// Writes an image of an OCI layout to a sink in the order sinks require: each manifest's blobs (config and layers), then the
/// manifest; an index's manifests, then the index; the tags last, then the commit. Nested indexes are walked as a DAG
/// (<see cref="ImageGraph"/>): each document is pushed once.
/// </summary>
public static class LayoutPush
{
    /// <summary>Pushes the image <paramref name="root"/> of <paramref name="layout"/> and tags it with <paramref name="tags"/>.</summary>
    /// <returns>The root descriptor as pushed.</returns>
    public static async Task<Descriptor> PushAsync(OciLayoutReader layout, Descriptor root, IImageSink sink, IReadOnlyList<string> tags,
        CancellationToken cancellationToken = default)
    {
        var graph = new ImageGraph("the layout", (descriptor, _) => Task.FromResult(layout.ReadBlob(descriptor)));
        await graph.WalkAsync(root, _ => true,
            (descriptor, index) => sink.WriteManifestAsync(descriptor, index.Raw, cancellationToken),
            async (descriptor, manifest) =>
            {
                foreach (var blob in manifest.Value.Layers.Prepend(manifest.Value.Config))
                    await sink.WriteBlobAsync(blob, new BlobContent(_ => Task.FromResult(layout.OpenBlob(blob))), cancellationToken).ConfigureAwait(false);
                await sink.WriteManifestAsync(descriptor, manifest.Raw, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        foreach (var tag in tags) await sink.TagAsync(root, tag, cancellationToken).ConfigureAwait(false);
        await sink.CommitAsync(cancellationToken).ConfigureAwait(false);
        return root;
    }
}
