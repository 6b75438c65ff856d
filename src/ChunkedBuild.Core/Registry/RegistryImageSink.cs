using System.Collections.Concurrent;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Registry;

/// <summary>
/// Pushes an image to a registry repository. <see cref="WriteBlobAsync"/> queues the blob and returns once an upload slot is free
/// (at most <see cref="RegistryClientOptions.MaxParallelUploads"/> run at once); every queued upload has finished before a
/// manifest is written and before <see cref="CommitAsync"/> pushes the tags, so a registry never sees a manifest whose blobs it
/// lacks nor a tag before its image. Blobs the repository has are skipped (a HEAD, no bytes sent); blobs whose
/// <see cref="BlobContent.Origin"/> is a <see cref="RegistryImageSource"/> on the same registry are mounted from there.
/// </summary>
public sealed class RegistryImageSink : IImageSink
{
    private readonly bool _ownsClient;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<Digest, Task> _blobs = new();
    private readonly ConcurrentDictionary<Digest, (string MediaType, byte[] Raw)> _documents = new();
    private readonly List<(Descriptor Descriptor, string Tag)> _tags = [];
    private readonly Lock _tagsLock = new();
    private long _uploaded, _skipped, _mounted, _bytes;

    /// <summary>
    /// Creates a sink for the repository of <paramref name="reference"/> with its own client, made with
    /// <see cref="RegistryClientOptions.ForPush"/> so every request of the push (its HEAD and GET checks too) uses the push credentials.
    /// </summary>
    public RegistryImageSink(RegistryClientOptions options, ImageReference reference)
        : this(new RegistryClient(options with { ForPush = true }), reference, ownsClient: true)
    {
    }

    /// <summary>Creates a sink for the repository of <paramref name="reference"/>.</summary>
    /// <param name="client">The client to use (made with <see cref="RegistryClientOptions.ForPush"/> when the registry needs credentials for reads too).</param>
    /// <param name="reference">The destination (its tag, if any, is what callers usually pass to <see cref="TagAsync"/>).</param>
    /// <param name="ownsClient">Whether disposing the sink disposes the client.</param>
    public RegistryImageSink(RegistryClient client, ImageReference reference, bool ownsClient = false)
    {
        Client = client;
        Reference = reference;
        _ownsClient = ownsClient;
        _slots = new SemaphoreSlim(client.Options.MaxParallelUploads);
    }

    /// <summary>The client this sink pushes through.</summary>
    public RegistryClient Client { get; }

    /// <summary>The destination reference.</summary>
    public ImageReference Reference { get; }

    /// <inheritdoc />
    public string DisplayName => $"docker://{Reference.Registry}/{Reference.Repository}";

    /// <summary>What the sink did so far.</summary>
    public RegistryPushStatistics Statistics => new(Interlocked.Read(ref _uploaded), Interlocked.Read(ref _skipped), Interlocked.Read(ref _mounted), Interlocked.Read(ref _bytes));

    /// <inheritdoc />
    public async Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default) =>
        IsDocument(descriptor)
            ? _documents.ContainsKey(descriptor.Digest) || await Client.TryGetManifestAsync(Reference, descriptor.Digest.ToString(), cancellationToken).ConfigureAwait(false) is not null
            : await Client.HeadBlobAsync(Reference, descriptor.Digest, cancellationToken).ConfigureAwait(false) is not null;

    /// <inheritdoc />
    /// <remarks>Returns once the upload has started; its failure surfaces from the next manifest write, <see cref="CommitAsync"/> or <see cref="FlushAsync"/>.</remarks>
    public async Task WriteBlobAsync(Descriptor descriptor, BlobContent content, CancellationToken cancellationToken = default)
    {
        ThrowIfAnyFailed();
        if (_blobs.ContainsKey(descriptor.Digest)) return;
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_blobs.TryAdd(descriptor.Digest, started.Task))
        {
            _slots.Release();
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await PushBlobAsync(descriptor, content, cancellationToken).ConfigureAwait(false);
                started.SetResult();
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
            finally
            {
                _slots.Release();
            }
        }, CancellationToken.None);
    }

    /// <summary>Waits for every queued blob upload; throws the first failure.</summary>
    public async Task FlushAsync()
    {
        await Task.WhenAll(_blobs.Values).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task WriteManifestAsync(Descriptor descriptor, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken = default)
    {
        await FlushAsync().ConfigureAwait(false);
        var digest = Digest.Sha256Of(raw.Span);
        if (digest != descriptor.Digest || raw.Length != descriptor.Size)
            throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"the manifest for {DisplayName} hashes to {digest} ({raw.Length} bytes), not {descriptor.Digest} ({descriptor.Size} bytes)");
        await Client.PutManifestAsync(Reference, digest.ToString(), descriptor.MediaType, raw, cancellationToken).ConfigureAwait(false);
        _documents[digest] = (descriptor.MediaType, raw.ToArray());
    }

    /// <inheritdoc />
    /// <remarks>The tag is pushed at <see cref="CommitAsync"/>.</remarks>
    public Task TagAsync(Descriptor descriptor, string tag, CancellationToken cancellationToken = default)
    {
        _ = Reference.WithTag(tag);
        lock (_tagsLock) _tags.Add((descriptor, tag));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await FlushAsync().ConfigureAwait(false);
        List<(Descriptor Descriptor, string Tag)> tags;
        lock (_tagsLock) tags = [.. _tags];
        foreach (var (descriptor, tag) in tags)
        {
            var (mediaType, raw) = _documents.TryGetValue(descriptor.Digest, out var written) ? written
                : await ExistingAsync(descriptor, cancellationToken).ConfigureAwait(false);
            await Client.PutManifestAsync(Reference, tag, mediaType, raw, cancellationToken).ConfigureAwait(false);
        }
        lock (_tagsLock) _tags.Clear();
    }

    private async Task<(string, byte[])> ExistingAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        var manifest = await Client.GetManifestAsync(Reference, descriptor.Digest.ToString(), cancellationToken).ConfigureAwait(false);
        return (manifest.MediaType, manifest.Raw);
    }

    private async Task PushBlobAsync(Descriptor descriptor, BlobContent content, CancellationToken cancellationToken)
    {
        if (await Client.HeadBlobAsync(Reference, descriptor.Digest, cancellationToken).ConfigureAwait(false) is not null)
        {
            Interlocked.Increment(ref _skipped);
            Client.Options.Progress?.Report(new BlobTransferProgress(descriptor.Digest, descriptor.Size, descriptor.Size, BlobTransferKind.Skipped));
            if (content.CheckAfterWrite) await CheckStoredAsync(descriptor, cancellationToken).ConfigureAwait(false);
            return;
        }
        var mountFrom = content.Origin is RegistryImageSource source
            && string.Equals(source.Reference.ApiHost, Reference.ApiHost, StringComparison.OrdinalIgnoreCase)
            && source.Reference.Repository != Reference.Repository ? source.Reference.Repository : null;
        var result = await Client.UploadBlobAsync(Reference, descriptor, content, mountFrom, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _bytes, result.BytesSent);
        if (result.Mounted) Interlocked.Increment(ref _mounted);
        else if (result.AlreadyPresent && result.BytesSent == 0) Interlocked.Increment(ref _skipped);
        else Interlocked.Increment(ref _uploaded);
        if (content.CheckAfterWrite) await CheckStoredAsync(descriptor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the blob back from the repository and hashes it (<see cref="BlobContent.CheckAfterWrite"/>).</summary>
    /// <exception cref="ChunkedBuildException">CHB4009 when the registry serves other bytes under the digest.</exception>
    private async Task CheckStoredAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        try
        {
            await using var stored = await Client.OpenBlobAsync(Reference, descriptor, cancellationToken).ConfigureAwait(false);
            await stored.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }
        catch (ChunkedBuildException e) when (e.Code == ErrorCodes.DigestMismatch)
        {
            throw new ChunkedBuildException(ErrorCodes.RegistryBlobDamaged,
                $"{DisplayName} serves bytes for blob {descriptor.Digest} that do not hash to it ({e.Message}): the registry's stored copy is damaged, and a push " +
                "cannot replace it (a registry keeps the first bytes stored under a digest); nothing was tagged. Delete the blob from the registry's storage, " +
                "or push to another registry", layer: descriptor.Digest.ToString(), innerException: e);
        }
    }

    private void ThrowIfAnyFailed()
    {
        foreach (var task in _blobs.Values)
        {
            if (task.IsFaulted) task.GetAwaiter().GetResult();
        }
    }

    private static bool IsDocument(Descriptor descriptor) => MediaTypes.IsManifest(descriptor.MediaType) || MediaTypes.IsIndex(descriptor.MediaType);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_blobs.Values).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ChunkedBuildException or OperationCanceledException or IOException or HttpRequestException)
        {
            // Already reported through FlushAsync / CommitAsync (or the caller gave up); nothing is left running.
        }
        _slots.Dispose();
        if (_ownsClient) Client.Dispose();
    }
}

/// <summary>What a <see cref="RegistryImageSink"/> did with the blobs it was given.</summary>
/// <param name="BlobsUploaded">Blobs whose bytes were sent.</param>
/// <param name="BlobsSkipped">Blobs the repository already had.</param>
/// <param name="BlobsMounted">Blobs mounted from another repository of the same registry.</param>
/// <param name="BytesUploaded">Blob bytes sent, retries included.</param>
public sealed record RegistryPushStatistics(long BlobsUploaded, long BlobsSkipped, long BlobsMounted, long BytesUploaded);
