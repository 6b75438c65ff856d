using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Oci;

/// <summary>
/// The manifests and indexes under a root descriptor, walked as the DAG they are: each document (by digest) is read, parsed and
/// visited once however many entries refer to it, so a hostile index whose levels all list the same children costs as many reads as
/// it has distinct documents, not as many as it has paths. Within <see cref="ImageLimits"/> (CHB2009 past them); documents are parsed
/// by <see cref="OciJson.ParseDocument{T}(ReadOnlyMemory{byte}, string)"/> (CHB2005).
/// </summary>
/// <param name="sourceName">The source's display name, for messages.</param>
/// <param name="read">Reads a document blob whole, verified against its descriptor (an <c>IImageSource.ReadBlobAsync</c>).</param>
public sealed class ImageGraph(string sourceName, Func<Descriptor, CancellationToken, Task<byte[]>> read)
{
    private readonly HashSet<Digest> _visited = [];

    /// <summary>
    /// Visits <paramref name="root"/> (an index when its media type says so, else a manifest) and, depth first in entry order, every
    /// index entry <paramref name="follow"/> accepts. <paramref name="onManifest"/> is called for each manifest; <paramref name="onIndex"/>
    /// after the children of each index (the order a registry needs: children first). A document already visited is skipped.
    /// </summary>
    public Task WalkAsync(Descriptor root, Func<Descriptor, bool> follow, Func<Descriptor, OciDocument<ImageIndex>, Task> onIndex,
        Func<Descriptor, OciDocument<Manifest>, Task> onManifest, CancellationToken cancellationToken) =>
        VisitAsync(root, 0, follow, onIndex, onManifest, cancellationToken);

    /// <summary>Reads a document blob (manifest, index or config) after checking its declared size against <see cref="ImageLimits.MaxDocumentBytes"/>.</summary>
    public Task<byte[]> ReadAsync(Descriptor descriptor, string what, CancellationToken cancellationToken)
    {
        if (descriptor.Size > ImageLimits.MaxDocumentBytes)
        {
            throw new ChunkedBuildException(ErrorCodes.ImageLimitExceeded,
                $"{sourceName}: {what} {descriptor.Digest} is {descriptor.Size} bytes, more than the {ImageLimits.MaxDocumentBytes} bytes a document may have");
        }
        return read(descriptor, cancellationToken);
    }

    private async Task VisitAsync(Descriptor descriptor, int depth, Func<Descriptor, bool> follow, Func<Descriptor, OciDocument<ImageIndex>, Task> onIndex,
        Func<Descriptor, OciDocument<Manifest>, Task> onManifest, CancellationToken cancellationToken)
    {
        if (!_visited.Add(descriptor.Digest)) return;
        if (_visited.Count > ImageLimits.MaxDocuments)
        {
            throw new ChunkedBuildException(ErrorCodes.ImageLimitExceeded,
                $"{sourceName}: the image has more than {ImageLimits.MaxDocuments} distinct manifests and indexes");
        }
        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            if (depth >= ImageLimits.MaxIndexDepth)
                throw new ChunkedBuildException(ErrorCodes.ImageLimitExceeded, $"{sourceName}: indexes nest deeper than {ImageLimits.MaxIndexDepth} levels at {descriptor.Digest}");
            var raw = await ReadAsync(descriptor, "index", cancellationToken).ConfigureAwait(false);
            var index = OciDocument<ImageIndex>.Parse(raw, $"{sourceName}: index {descriptor.Digest}");
            foreach (var child in index.Value.Manifests)
            {
                if (follow(child)) await VisitAsync(child, depth + 1, follow, onIndex, onManifest, cancellationToken).ConfigureAwait(false);
            }
            await onIndex(descriptor, index).ConfigureAwait(false);
            return;
        }
        var manifestRaw = await ReadAsync(descriptor, "manifest", cancellationToken).ConfigureAwait(false);
        await onManifest(descriptor, OciDocument<Manifest>.Parse(manifestRaw, $"{sourceName}: manifest {descriptor.Digest}")).ConfigureAwait(false);
    }
}
