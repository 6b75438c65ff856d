using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Oci.Layout;
using ChunkedBuild.Core.Oci.Transport;

namespace ChunkedBuild.Core.Registry;

/// <summary>
/// Writes an image of an OCI layout to a sink in the order sinks require: each manifest's blobs (config and layers), then the
/// manifest; an index's manifests, then the index; the tags last, then the commit.
/// </summary>
public static class LayoutPush
{
    /// <summary>Pushes the image <paramref name="root"/> of <paramref name="layout"/> and tags it with <paramref name="tags"/>.</summary>
    /// <returns>The root descriptor as pushed.</returns>
    public static async Task<Descriptor> PushAsync(OciLayoutReader layout, Descriptor root, IImageSink sink, IReadOnlyList<string> tags,
        CancellationToken cancellationToken = default)
    {
        await PushDocumentAsync(layout, root, sink, depth: 0, cancellationToken).ConfigureAwait(false);
        foreach (var tag in tags) await sink.TagAsync(root, tag, cancellationToken).ConfigureAwait(false);
        await sink.CommitAsync(cancellationToken).ConfigureAwait(false);
        return root;
    }

    private static async Task PushDocumentAsync(OciLayoutReader layout, Descriptor descriptor, IImageSink sink, int depth, CancellationToken cancellationToken)
    {
        // Nested indexes are legal but shallow in practice; a cycle would need a hash collision, a deep chain is a broken layout.
        if (depth > 8) throw new ChunkedBuildException(ErrorCodes.MalformedDocument, $"image indexes nest deeper than 8 levels at {descriptor.Digest}");
        var raw = layout.ReadBlob(descriptor.Digest);
        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            var index = Parse<ImageIndex>(raw, descriptor);
            foreach (var child in index.Manifests) await PushDocumentAsync(layout, child, sink, depth + 1, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var manifest = Parse<Manifest>(raw, descriptor);
            foreach (var blob in manifest.Layers.Prepend(manifest.Config))
                await sink.WriteBlobAsync(blob, new BlobContent(_ => Task.FromResult(layout.OpenBlob(blob.Digest))), cancellationToken).ConfigureAwait(false);
        }
        await sink.WriteManifestAsync(descriptor, raw, cancellationToken).ConfigureAwait(false);
    }

    private static T Parse<T>(byte[] raw, Descriptor descriptor)
    {
        try
        {
            return OciJson.Parse<T>(raw);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ChunkedBuildException(ErrorCodes.MalformedDocument, $"{descriptor.Digest} is not a valid {typeof(T).Name}: {e.Message}", innerException: e);
        }
    }
}
