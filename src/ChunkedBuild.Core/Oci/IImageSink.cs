
namespace ChunkedBuild.Core.Oci;

/// <summary>
/// Where converted images go (an OCI layout, an OCI archive, a registry). Callers write blobs first, then manifests, then indexes,
/// then tags, then <see cref="CommitAsync"/>; nothing is visible at the destination before the commit succeeds (file sinks write to a
/// temporary location and rename; registry sinks push tags last).
/// </summary>
public interface IImageSink : IAsyncDisposable
{
    /// <summary>A human-readable name for messages. Never holds credentials.</summary>
    string DisplayName { get; }

    /// <summary>Whether the destination already holds the blob (so it need not be written).</summary>
    Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default);

    /// <summary>Writes a blob, verifying its digest and size; a blob that exists is skipped without opening <paramref name="content"/>.</summary>
    Task WriteBlobAsync(Descriptor descriptor, BlobContent content, CancellationToken cancellationToken = default);

    /// <summary>Writes a manifest or index document (by digest, untagged). Its blobs and child manifests must have been written.</summary>
    Task WriteManifestAsync(Descriptor descriptor, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken = default);

    /// <summary>Points <paramref name="tag"/> at a written manifest or index.</summary>
    Task TagAsync(Descriptor descriptor, string tag, CancellationToken cancellationToken = default);

    /// <summary>Makes everything written visible at the destination, atomically where the medium allows.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a written artifact manifest (one with a <c>subject</c>) discoverable as a referrer: an OCI layout lists it in index.json; a
    /// registry needs nothing more (the referrers API, or the tag fallback the manifest write maintains).
    /// </summary>
    Task AddReferrerAsync(Descriptor artifact, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
