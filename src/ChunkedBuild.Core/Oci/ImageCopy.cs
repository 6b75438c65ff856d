
namespace ChunkedBuild.Core.Oci;

/// <summary>
/// Copies one image, unchanged, from any source to any sink in the order sinks require: each manifest's blobs (config and layers), then
/// the manifest; an index's manifests, then the index; the tags last, then the commit. Nested indexes are walked as a DAG
/// (<see cref="ImageGraph"/>): each document is copied once. Blobs are opened only when the sink lacks them; a registry sink may mount a
/// blob from a registry source instead of uploading it (<see cref="BlobContent.Origin"/>).
/// </summary>
public static class ImageCopy
{
    /// <summary>Copies the image <paramref name="root"/> of <paramref name="source"/> to <paramref name="sink"/>, tags it with <paramref name="tags"/> and commits.</summary>
    public static Task CopyAsync(IImageSource source, Descriptor root, IImageSink sink, IReadOnlyList<string> tags, CancellationToken cancellationToken = default) =>
        CopyAsync(source.DisplayName, source.ReadBlobAsync, blob => new BlobContent(ct => source.OpenBlobAsync(blob, ct), source), root, sink, tags, cancellationToken);

    /// <summary>The copy over a reader of documents (<paramref name="read"/>) and of blobs (<paramref name="content"/>); <paramref name="sourceName"/> names the source in messages.</summary>
    internal static async Task CopyAsync(string sourceName, Func<Descriptor, CancellationToken, Task<byte[]>> read, Func<Descriptor, BlobContent> content,
        Descriptor root, IImageSink sink, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        var graph = new ImageGraph(sourceName, read);
        await graph.WalkAsync(root, _ => true,
            (descriptor, index) => sink.WriteManifestAsync(descriptor, index.Raw, cancellationToken),
            async (descriptor, manifest) =>
            {
                foreach (var blob in manifest.Value.Layers.Prepend(manifest.Value.Config))
                    await sink.WriteBlobAsync(blob, content(blob), cancellationToken).ConfigureAwait(false);
                await sink.WriteManifestAsync(descriptor, manifest.Raw, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        foreach (var tag in tags) await sink.TagAsync(root, tag, cancellationToken).ConfigureAwait(false);
        await sink.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
