using System.Collections.Concurrent;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Registry;

/// <summary>
/// An image in a registry repository, read through a <see cref="RegistryClient"/>. Manifests and indexes (by media type) come
/// from <c>/manifests/</c>, everything else from <c>/blobs/</c>; manifests fetched once are kept.
/// </summary>
public sealed class RegistryImageSource : IImageSource
{
    private readonly bool _ownsClient;
    private readonly ConcurrentDictionary<Digest, RegistryManifest> _manifests = new();

    /// <summary>Creates a source for <paramref name="reference"/>.</summary>
    /// <param name="client">The client to use.</param>
    /// <param name="reference">The image (a tag or a digest).</param>
    /// <param name="ownsClient">Whether disposing the source disposes the client.</param>
    public RegistryImageSource(RegistryClient client, ImageReference reference, bool ownsClient = false)
    {
        Client = client;
        Reference = reference;
        _ownsClient = ownsClient;
    }

    /// <summary>The client this source reads through.</summary>
    public RegistryClient Client { get; }

    /// <summary>The image reference.</summary>
    public ImageReference Reference { get; }

    /// <inheritdoc />
    public string DisplayName => $"docker://{Reference}";

    /// <inheritdoc />
    public Task<byte[]> ReadBlobRangeAsync(Descriptor descriptor, long offset, int length, CancellationToken cancellationToken = default) =>
        Client.ReadBlobRangeAsync(Reference, descriptor, offset, length, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Descriptor>> ReferrersAsync(Digest subject, string? artifactType, CancellationToken cancellationToken = default) =>
        Client.GetReferrersAsync(Reference, subject, artifactType, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<SourceImage>> ResolveAsync(CancellationToken cancellationToken = default)
    {
        var manifest = await Client.TryGetManifestAsync(Reference, cancellationToken: cancellationToken).ConfigureAwait(false)
            ?? throw new ChunkedBuildException(ErrorCodes.ReferenceNotFound, $"{DisplayName} does not exist (no manifest '{Reference.ManifestReference}')");
        _manifests[manifest.Digest] = manifest;
        IReadOnlyList<string> tags = Reference.Tag is { } tag && Reference.Digest is null ? [tag] : [];
        return [new SourceImage(manifest.Descriptor, tags)];
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        if (IsDocument(descriptor))
        {
            var manifest = await ManifestAsync(descriptor, cancellationToken).ConfigureAwait(false);
            return manifest.Raw;
        }
        return await Client.ReadBlobAsync(Reference, descriptor, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        if (IsDocument(descriptor))
        {
            var manifest = await ManifestAsync(descriptor, cancellationToken).ConfigureAwait(false);
            return new MemoryStream(manifest.Raw, writable: false);
        }
        return await Client.OpenBlobAsync(Reference, descriptor, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsDocument(Descriptor descriptor) => MediaTypes.IsManifest(descriptor.MediaType) || MediaTypes.IsIndex(descriptor.MediaType);

    private async Task<RegistryManifest> ManifestAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (_manifests.TryGetValue(descriptor.Digest, out var known)) return Checked(known, descriptor);
        var manifest = await Client.TryGetManifestAsync(Reference, descriptor.Digest.ToString(), cancellationToken).ConfigureAwait(false)
            ?? throw new ChunkedBuildException(ErrorCodes.BlobMissing, $"{DisplayName} has no manifest {descriptor.Digest}", layer: descriptor.Digest.ToString());
        _manifests[manifest.Digest] = manifest;
        return Checked(manifest, descriptor);
    }

    private RegistryManifest Checked(RegistryManifest manifest, Descriptor descriptor) =>
        manifest.Raw.LongLength == descriptor.Size ? manifest
        : throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"{DisplayName}: manifest {descriptor.Digest} has {manifest.Raw.LongLength} bytes, not {descriptor.Size}");

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_ownsClient) Client.Dispose();
        return ValueTask.CompletedTask;
    }
}
