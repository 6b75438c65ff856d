using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports.Layout;

/// <summary>
/// An <see cref="IImageSink"/> writing an OCI image layout folder (<c>oci:</c>). Everything goes to a staging folder in the run's scratch
/// folder beside the target; on commit it becomes the target, or is merged into the layout already there (only the tags written are
/// replaced), or replaces it when asked. An abandoned sink leaves nothing behind.
/// </summary>
public sealed class OciLayoutSink : IImageSink
{
    private readonly OciLayoutWriter _writer;

    /// <summary>
    /// Prepares a sink that will (on commit) write the layout at <paramref name="path"/>: merged into an existing layout there, or with
    /// <paramref name="replace"/> replacing it whole.
    /// </summary>
    public OciLayoutSink(string path, string displayName, bool replace = false) : this(new OciLayoutWriter(path, replace), displayName)
    {
    }

    /// <summary>A sink over an existing writer (the archive sink stages its layout this way).</summary>
    internal OciLayoutSink(OciLayoutWriter writer, string displayName)
    {
        _writer = writer;
        DisplayName = displayName;
    }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <inheritdoc />
    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default) =>
        Task.FromResult(_writer.Contains(descriptor.Digest));

    /// <inheritdoc />
    public async Task WriteBlobAsync(Descriptor descriptor, BlobContent content, CancellationToken cancellationToken = default)
    {
        if (_writer.Contains(descriptor.Digest)) return;
        if (content.VerifiedFile is { } file)
        {
            _writer.CopyVerifiedFile(descriptor.Digest, file, descriptor.Size, content.VerifiedFingerprint);
            return;
        }
        await using var stream = await content.Open(cancellationToken).ConfigureAwait(false);
        _writer.WriteBlob(descriptor.Digest, stream, descriptor.Size);
    }

    /// <inheritdoc />
    public Task WriteManifestAsync(Descriptor descriptor, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(raw.ToArray(), writable: false);
        _writer.WriteBlob(descriptor.Digest, stream, descriptor.Size);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task TagAsync(Descriptor descriptor, string tag, CancellationToken cancellationToken = default)
    {
        _writer.AddToIndex(descriptor, tag);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task AddReferrerAsync(Descriptor artifact, CancellationToken cancellationToken = default)
    {
        _writer.AddToIndex(artifact, null);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task CommitAsync(CancellationToken cancellationToken = default)
    {
        _writer.Commit(cancellationToken);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }
}
