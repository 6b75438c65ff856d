using System.Collections.Concurrent;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports;

namespace ChunkedBuild.Core.Conversion.Caching;

/// <summary>
/// One run's registry cache (docs/registry-cache.md): before a layer is converted, its key (<see cref="LayerStore.Key"/>, the same key the
/// local cache uses) is looked up in the cache manifests of the cache references; an entry found is verified before use and then reused
/// (and kept in the local cache); what the run converted or reused is recorded in the cache it writes to, after the image is published.
/// </summary>
/// <remarks>
/// Verification assumes nothing of the entry: a registry can serve other bytes under a digest (a damaged or replaced stored blob), and
/// whoever can write a cache tag can write any record. An entry is used only when (1) its record names the source layer, its DiffID and
/// the format, and carries exactly the format's annotations; (2) the blob, downloaded whole, hashes to its digest and size; (3) the format's
/// validator accepts it with those annotations and the record's DiffID (the TOC is what the annotations say, every chunk what the TOC
/// says, the full-pull stream what the TOC says); (4) its content is the source's: either it decompresses to the source tar itself (its
/// DiffID is the config's), or <see cref="LayerOrigin"/> finds exactly the source's entries, in the writer's order, plus only what the
/// writer generates. Then whatever the entry claims, the image gets a layer with the source's content, valid for full, lazy and partial
/// pulls. What a forger can still choose is only what does not change content: compression level, chunk cutting.
/// A rejected entry is a CHB4008 warning; its layer is converted instead. A blob the registry serves damaged is remembered, so a push of
/// the same digest to that registry reads it back (<see cref="BlobContent.CheckAfterWrite"/>).
/// </remarks>
internal sealed class RegistryLayerCache : IAsyncDisposable
{
    private readonly IReadOnlyList<CacheRepository> _lookups;
    private readonly CacheRepository? _recordTo;
    private readonly LayerStore _store;
    private readonly IConversionObserver _observer;
    private readonly List<RegistryClient> _ownedClients;
    private readonly Lazy<Task<IReadOnlyList<(CacheRepository Repository, SharedLayerRecord Record)>>> _records;
    private readonly ConcurrentDictionary<string, (SharedLayerRecord Record, string BlobFile, string? Fingerprint, IImageSource? Origin)> _used = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Digest, byte> _damaged = new();
    private int _hits, _misses, _rejected;
    private long _bytesSaved;

    private RegistryLayerCache(IReadOnlyList<CacheRepository> lookups, CacheRepository? recordTo, LayerStore store, IConversionObserver observer, List<RegistryClient> ownedClients)
    {
        _lookups = lookups;
        _recordTo = recordTo;
        _store = store;
        _observer = observer;
        _ownedClients = ownedClients;
        _records = new Lazy<Task<IReadOnlyList<(CacheRepository, SharedLayerRecord)>>>(LoadAsync);
    }

    /// <summary>A cache repository and the client that reads (and, for the one written, writes) it.</summary>
    private sealed record CacheRepository(ImageReference Reference, RegistryClient Client)
    {
        public string Name => $"{Reference.Registry}/{Reference.Repository}:{Reference.Tag ?? Reference.Digest?.ToString()}";

        public RegistryImageSource AsSource() => new(Client, Reference);
    }

    /// <summary>
    /// The registry cache of a run writing to <paramref name="sink"/>, or null when there is none (turned off, or no reference and a
    /// destination that is no registry). References on the destination's registry share its push client.
    /// </summary>
    /// <exception cref="ChunkedBuildException">CHB9001 when a cache reference is given but registries are not available; CHB4001 for a malformed reference.</exception>
    public static RegistryLayerCache? Create(ConversionRequest request, IImageSink sink, IRegistryTransport? registry, LayerStore store, IConversionObserver observer)
    {
        var options = request.RegistryCache;
        if (!options.Enabled) return null;
        var destination = sink as RegistryImageSink;
        var recordTo = options.CacheTo is { } to ? RegistryCacheOptions.Reference(to, "--cache-to", forWriting: true)
            : destination?.Reference.WithTag(RegistryCacheOptions.DefaultTag);
        var from = options.CacheFrom.Select(f => RegistryCacheOptions.Reference(f, "--cache-from", forWriting: false)).ToList();
        if (recordTo is null && from.Count == 0) return null;

        var owned = new List<RegistryClient>();
        var clients = new Dictionary<string, RegistryClient>(StringComparer.OrdinalIgnoreCase);
        if (destination is not null) clients[destination.Reference.ApiHost] = destination.Client;
        RegistryClient ClientFor(ImageReference reference)
        {
            if (clients.TryGetValue(reference.ApiHost, out var known)) return known;
            var created = (registry ?? throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"registry caches are not available here ('{reference}')"))
                .CreateClient(forPush: reference == recordTo);
            owned.Add(created);
            return clients[reference.ApiHost] = created;
        }

        var recordRepository = recordTo is null ? null : new CacheRepository(recordTo, ClientFor(recordTo));
        var lookups = new List<CacheRepository>();
        if (recordRepository is not null) lookups.Add(recordRepository);
        foreach (var reference in from.Where(r => r != recordTo).Distinct()) lookups.Add(new CacheRepository(reference, ClientFor(reference)));
        return new RegistryLayerCache(lookups, recordRepository, store, observer, owned);
    }

    /// <summary>Whether a blob of this digest was served damaged by a cache (a push of it must be read back).</summary>
    public bool WasDamaged(Digest digest) => _damaged.ContainsKey(digest);

    /// <summary>
    /// The shared conversion of <paramref name="lookup"/>'s layer, verified and stored in the local cache; null when no cache has one that
    /// passes (each one that fails is a CHB4008 warning).
    /// </summary>
    /// <exception cref="ChunkedBuildException">Errors of the source itself (its blob does not match its digest or DiffID), as a conversion would raise them.</exception>
    public async Task<ConvertedLayer?> TryReuseAsync(SharedLayerLookup lookup, CancellationToken cancellationToken)
    {
        var candidates = (await _records.Value.ConfigureAwait(false)).Where(c => c.Record.Key == lookup.Key).ToList();
        foreach (var (repository, record) in candidates)
        {
            var reused = await TryCandidateAsync(lookup, repository, record, cancellationToken).ConfigureAwait(false);
            if (reused is null) continue;
            Interlocked.Increment(ref _hits);
            Interlocked.Add(ref _bytesSaved, reused.Descriptor.Size);
            return reused;
        }
        Interlocked.Increment(ref _misses);
        return null;
    }

    /// <summary>Remembers a layer of this run (converted, or from the local cache) to record in the cache written to.</summary>
    public void Remember(string key, Descriptor source, Digest sourceDiffId, ILayerFormat format, ConvertedLayer layer)
    {
        if (layer.BlobFile is not { } file) return;
        var record = new SharedLayerRecord(key, format.Name, source.Digest, sourceDiffId, layer.DiffId, FormatDescriptor(format, layer.Descriptor));
        _used.TryAdd(key, (record, file, layer.BlobFingerprint, null));
    }

    private async Task<ConvertedLayer?> TryCandidateAsync(SharedLayerLookup lookup, CacheRepository repository, SharedLayerRecord record, CancellationToken cancellationToken)
    {
        var format = lookup.Format;
        var where = $"registry cache {repository.Name}: the entry for layer {lookup.Layer.Digest} ({format.Name}, blob {record.Blob.Digest})";
        if (RecordProblem(lookup, record) is { } problem) return Reject(where, problem);

        var temp = _store.NewTempFile();
        try
        {
            switch (await DownloadAsync(repository, record.Blob, temp, where, cancellationToken).ConfigureAwait(false))
            {
                case (false, null):
                    return null; // the registry could not be asked (warned): not the entry's fault
                case (false, { } downloadProblem):
                    return Reject(where, downloadProblem);
            }

            LayerValidationResult verdict;
            await using (var blob = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                verdict = format.Validator.Validate(blob, new LayerValidationRequest { Annotations = record.Blob.Annotations, DiffId = record.DiffId });
            if (!verdict.IsValid || verdict.DiffId != record.DiffId)
                return Reject(where, $"it is not a valid {format.Name} layer: {string.Join("; ", verdict.Failures.Take(3))}");

            IReadOnlyList<Tar.DensifiedEntry> densified = [];
            // A blob that decompresses to the source tar itself holds the source's content, whatever its TOC: the validator proved the TOC
            // describes that stream. Otherwise (eStargz, reordered or densified layers) its entries are compared with the source's.
            if (record.DiffId != lookup.DiffId || lookup.Options.PrioritizedFiles.Count > 0)
            {
                var (origin, sourceEntries) = await CheckOriginAsync(lookup, temp, verdict.StreamEntries, cancellationToken).ConfigureAwait(false);
                if (origin is not null) return Reject(where, origin);
                densified = sourceEntries!.Densified;
            }

            var descriptor = FormatDescriptor(format, record.Blob);
            var stored = _store.Put(lookup.Key, temp, new LayerCacheRecord
            {
                SourceDiffId = lookup.DiffId, Descriptor = descriptor, DiffId = record.DiffId, TocDigest = verdict.TocDigest,
                DensifiedEntries = densified.Count > 0 ? densified : null,
            });
            var cacheSource = repository.AsSource();
            _used.TryAdd(lookup.Key, (record with { Blob = descriptor }, stored.BlobPath!, stored.Fingerprint, cacheSource));
            _observer.Info($"layer {lookup.Layer.Digest} ({format.Name}): reused {descriptor.Digest} from the registry cache {repository.Name}, verified against the source");
            return new ConvertedLayer
            {
                Descriptor = descriptor, DiffId = record.DiffId, Outcome = LayerOutcome.RegistryCached, BlobFile = stored.BlobPath, BlobFingerprint = stored.Fingerprint, BlobOrigin = cacheSource,
                CacheKey = lookup.Key, TocDigest = verdict.TocDigest, DensifiedEntries = densified,
            };
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Why a record cannot be this layer's conversion, read from the record alone; null when it can.</summary>
    private static string? RecordProblem(SharedLayerLookup lookup, SharedLayerRecord record)
    {
        var format = lookup.Format;
        if (record.Format != format.Name) return $"it names the format '{record.Format}'";
        if (record.Source != lookup.Layer.Digest) return $"it names the source layer {record.Source}";
        if (record.SourceDiffId != lookup.DiffId) return $"it names the source DiffID {record.SourceDiffId}, the image config says {lookup.DiffId}";
        if (record.Blob.MediaType != format.MediaType) return $"its blob has the media type '{record.Blob.MediaType}', not {format.MediaType}";
        var keys = (record.Blob.Annotations ?? new Dictionary<string, string>()).Keys.Order(StringComparer.Ordinal).ToList();
        if (!keys.SequenceEqual(format.AnnotationKeys.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            return $"its annotations are [{string.Join(", ", keys)}], a {format.Name} layer carries [{string.Join(", ", format.AnnotationKeys)}]";
        return record.Blob.Size <= 0 ? "its blob is empty" : null;
    }

    /// <summary>
    /// Downloads the blob into <paramref name="path"/>, hashed on the way: (true, null) when it arrived intact; (false, problem) when the
    /// entry is unusable; (false, null) when the registry could not be asked (a CHB4010 warning).
    /// </summary>
    private async Task<(bool Ok, string? Problem)> DownloadAsync(CacheRepository repository, Descriptor blob, string path, string where, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await repository.Client.OpenBlobAsync(repository.Reference, blob, cancellationToken).ConfigureAwait(false);
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            await stream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            return (true, null);
        }
        catch (ChunkedBuildException e) when (e.Code == ErrorCodes.DigestMismatch)
        {
            _damaged.TryAdd(blob.Digest, 0);
            return (false, $"the registry serves bytes under its digest that do not hash to it ({e.Message})");
        }
        catch (ChunkedBuildException e) when (e.Code == ErrorCodes.BlobMissing)
        {
            return (false, "its blob is missing from the repository");
        }
        catch (ChunkedBuildException e) when (e.Code.StartsWith("CHB4", StringComparison.Ordinal))
        {
            _observer.Warning(ErrorCodes.RegistryCacheUnavailable, $"{where} could not be read, so it is not used: {e.Message}");
            return (false, null);
        }
    }

    /// <summary>
    /// Reads the source layer (checking its digest and DiffID as a conversion does) and compares the blob's entries with it — those the
    /// validator read on its pass over the blob (<paramref name="blobEntries"/>), else read again from the blob; a problem with the entry,
    /// or null, and the source's entries.
    /// </summary>
    private static async Task<(string? Problem, SourceEntries? Source)> CheckOriginAsync(SharedLayerLookup lookup, string blobPath, IReadOnlyList<TarEntryDigest>? blobEntries,
        CancellationToken cancellationToken)
    {
        var source = lookup.VerifiedTarCopy is { } copy ? await TryReadCopyAsync(lookup, copy, cancellationToken).ConfigureAwait(false) : null;
        if (source is null)
        {
            (source, var refusal) = await ReadSourceLayerAsync(lookup, cancellationToken).ConfigureAwait(false);
            if (source is null) return (refusal, null);
        }
        return CompareOrigin(lookup, source, blobEntries) ?? await CompareOriginFromBlobAsync(lookup, source, blobPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the source layer's entries as a conversion reads the layer (checking its DiffID and blob digest); or, when the format refuses
    /// one of its entries, why no entry can be its conversion.
    /// </summary>
    private static async Task<(SourceEntries? Source, string? Refusal)> ReadSourceLayerAsync(SharedLayerLookup lookup, CancellationToken cancellationToken)
    {
        SourceEntries source;
        await using (var blob = new HashingReadStream(await lookup.OpenSource(cancellationToken).ConfigureAwait(false)))
        {
            await using (var tar = new HashingReadStream(LayerInput.OpenUncompressed(blob, out _, leaveOpen: true)))
            {
                try
                {
                    source = await Task.Run(() => LayerOrigin.ReadSource(tar, lookup.Options, cancellationToken), cancellationToken).ConfigureAwait(false);
                }
                catch (ChunkedBuildException e) when (e.Code.StartsWith("CHB11", StringComparison.Ordinal))
                {
                    // The format refuses this source (the conversion will keep the layer as it is): no entry can be its conversion.
                    return (null, $"the source layer cannot be written as {lookup.Format.Name} ({e.Code}), so no entry can be its conversion");
                }
                var diffId = Digest.FromSha256Bytes(tar.DrainAndHash());
                if (diffId != lookup.DiffId)
                    throw new ChunkedBuildException(ErrorCodes.DiffIdMismatch, $"the layer decompresses to {diffId}, but the image config's rootfs.diff_ids says {lookup.DiffId}", layer: lookup.Layer.Digest.ToString());
            }
            var digest = Digest.FromSha256Bytes(blob.DrainAndHash());
            if (digest != lookup.Layer.Digest || blob.BytesRead != lookup.Layer.Size)
                throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"the layer blob hashes to {digest} ({blob.BytesRead} bytes), its descriptor says {lookup.Layer.Digest} ({lookup.Layer.Size} bytes)",
                    layer: lookup.Layer.Digest.ToString());
        }
        return (source, null);
    }

    /// <summary>
    /// Reads the source's entries from <paramref name="copy"/>, another format's blob of the layer proven earlier in the run to decompress to
    /// its tar, once its stream hashes to the config's DiffID again here (no fetch of the source layer, and zstd inflates far faster than
    /// gzip). Null when the copy is gone, damaged, not the source tar after all or refused: the caller then reads the source layer itself.
    /// </summary>
    private static async Task<SourceEntries?> TryReadCopyAsync(SharedLayerLookup lookup, string copy, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = new FileStream(copy, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            // The copy is a zstd:chunked blob; its DiffID, hashed again below, proves what was read, so the faster decoder serves.
            await using var tar = new HashingReadStream(ZstdDecoding.Open(file));
            var source = await Task.Run(() => LayerOrigin.ReadSource(tar, lookup.Options, cancellationToken), cancellationToken).ConfigureAwait(false);
            return Digest.FromSha256Bytes(tar.DrainAndHash()) == lookup.DiffId ? source : null;
        }
        catch (Exception e) when (e is IOException or ChunkedBuildException || MalformedLayerData.Is(e) || ZstdDecoding.IsDecodeError(e))
        {
            // Gone, damaged, or refused by the format's entry rules: reading the source layer itself decides (a refusal is reported there).
            return null;
        }
    }

    /// <summary>Compares the entries the validator read from the blob with the source's; null when the validator kept none.</summary>
    private static (string? Problem, SourceEntries? Source)? CompareOrigin(SharedLayerLookup lookup, SourceEntries source, IReadOnlyList<TarEntryDigest>? blobEntries)
    {
        if (blobEntries is null) return null;
        var found = LayerOrigin.Check(blobEntries, lookup.Format, source, lookup.Options);
        return found.Count == 0 ? (null, source)
            : ($"it does not hold the source layer's entries as a {lookup.Format.Name} conversion would: {string.Join("; ", found.Take(3))}", source);
    }

    /// <summary>Compares the blob's entries, read again from its file, with the source's.</summary>
    private static async Task<(string? Problem, SourceEntries? Source)> CompareOriginFromBlobAsync(SharedLayerLookup lookup, SourceEntries source, string blobPath,
        CancellationToken cancellationToken)
    {
        await using var file = new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        await using var decompressed = LayerInput.OpenUncompressed(file, out _, leaveOpen: true);
        var failures = await Task.Run(() => LayerOrigin.Check(decompressed, lookup.Format, source, lookup.Options, cancellationToken), cancellationToken).ConfigureAwait(false);
        return failures.Count == 0 ? (null, source)
            : ($"it does not hold the source layer's entries as a {lookup.Format.Name} conversion would: {string.Join("; ", failures.Take(3))}", source);
    }

    private ConvertedLayer? Reject(string where, string problem)
    {
        Interlocked.Increment(ref _rejected);
        _observer.Warning(ErrorCodes.RegistryCacheEntryRejected, $"{where} is not used: {problem}; the layer is converted instead");
        return null;
    }

    /// <summary>The layer descriptor a format's blob gets: its media type, digest, size and exactly the format's annotations.</summary>
    private static Descriptor FormatDescriptor(ILayerFormat format, Descriptor blob) => new()
    {
        MediaType = format.MediaType, Digest = blob.Digest, Size = blob.Size,
        Annotations = new SortedDictionary<string, string>(
            format.AnnotationKeys.Where(k => blob.Annotation(k) is not null).ToDictionary(k => k, k => blob.Annotation(k)!), StringComparer.Ordinal),
    };

    private async Task<IReadOnlyList<(CacheRepository, SharedLayerRecord)>> LoadAsync()
    {
        var all = new List<(CacheRepository, SharedLayerRecord)>();
        foreach (var repository in _lookups)
        {
            var records = await ReadAsync(repository, CancellationToken.None).ConfigureAwait(false);
            if (records is { } found) all.AddRange(found.Records.Select(r => (repository, r)));
        }
        return all;
    }

    /// <summary>The cache manifest under a reference: its records and raw bytes; empty when there is none; null when unreadable or foreign (warned).</summary>
    private async Task<(IReadOnlyList<SharedLayerRecord> Records, RegistryManifest? Manifest)?> ReadAsync(CacheRepository repository, CancellationToken cancellationToken)
    {
        RegistryManifest? manifest;
        try
        {
            manifest = await repository.Client.TryGetManifestAsync(repository.Reference, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ChunkedBuildException e)
        {
            _observer.Warning(ErrorCodes.RegistryCacheUnavailable, $"registry cache {repository.Name} could not be read, so it is not used: {e.Message}");
            return null;
        }
        if (manifest is null) return ([], null);
        if (LayerCacheManifest.Parse(manifest.Raw) is not { } records)
        {
            _observer.Warning(ErrorCodes.RegistryCacheUnavailable,
                $"registry cache {repository.Name}: the tag holds a {manifest.MediaType} that is not a ChunkedBuild layer cache (version {LayerCacheManifest.Version}); it is neither used nor overwritten");
            return null;
        }
        return (records, manifest);
    }

    /// <summary>
    /// Records this run's layers (<paramref name="keys"/>, in image order) in the cache written to: blobs first (mounted from
    /// <paramref name="destination"/> or the cache they came from when on the same registry, else uploaded), then the merged manifest.
    /// A concurrent writer's manifest is merged again (up to 3 times). Failures are CHB4010 warnings.
    /// </summary>
    public async Task<RegistryCacheReport> ExportAsync(IReadOnlyList<string> keys, IImageSink destination, CancellationToken cancellationToken)
    {
        var recorded = 0;
        if (_recordTo is not null)
        {
            try
            {
                recorded = await WriteAsync(_recordTo, keys, destination as RegistryImageSink, cancellationToken).ConfigureAwait(false);
            }
            catch (ChunkedBuildException e)
            {
                _observer.Warning(ErrorCodes.RegistryCacheUnavailable, $"registry cache {_recordTo.Name} could not be written: {e.Message}");
            }
        }
        return new RegistryCacheReport
        {
            LookedUp = [.. _lookups.Select(l => l.Name)], RecordedTo = _recordTo?.Name, Hits = _hits, Misses = _misses, Rejected = _rejected,
            BytesSaved = Interlocked.Read(ref _bytesSaved), Recorded = recorded,
        };
    }

    private async Task<int> WriteAsync(CacheRepository target, IReadOnlyList<string> keys, RegistryImageSink? destination, CancellationToken cancellationToken)
    {
        var fresh = keys.Distinct(StringComparer.Ordinal).Where(_used.ContainsKey).Select(k => _used[k]).ToList();
        if (fresh.Count == 0) return 0;
        const int Attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            if (await ReadAsync(target, cancellationToken).ConfigureAwait(false) is not var (existing, existingManifest)) return 0;
            var merged = LayerCacheManifest.Merge([.. fresh.Select(f => f.Record)], existing);
            var document = LayerCacheManifest.Create(merged);
            var added = fresh.Count(f => !existing.Any(e => e.Key == f.Record.Key));
            if (existingManifest is not null && existingManifest.Raw.AsSpan().SequenceEqual(document.Raw.Span)) return 0;

            await using (var sink = new RegistryImageSink(target.Client, target.Reference))
            {
                var present = existing.Select(e => e.Blob.Digest).ToHashSet();
                await sink.WriteBlobAsync(LayerCacheManifest.EmptyConfig, BlobContent.FromBytes(PrioritizationRecord.EmptyBlob), cancellationToken).ConfigureAwait(false);
                foreach (var (record, file, fingerprint, origin) in fresh.Where(f => !present.Contains(f.Record.Blob.Digest)))
                {
                    IImageSource? mountFrom = destination is not null ? new RegistryImageSource(destination.Client, destination.Reference) : origin;
                    await sink.WriteBlobAsync(record.Blob, BlobContent.FromVerifiedFile(file, fingerprint) with { Origin = mountFrom }, cancellationToken).ConfigureAwait(false);
                }
                await sink.FlushAsync().ConfigureAwait(false);
            }
            await target.Client.PutManifestAsync(target.Reference, target.Reference.Tag!, MediaTypes.OciManifest, document.Raw, cancellationToken).ConfigureAwait(false);

            // A writer that read the tag before our write and writes after it drops our records: check, and merge again.
            if (await ReadAsync(target, cancellationToken).ConfigureAwait(false) is var (now, _) && fresh.All(f => now.Any(r => r.Key == f.Record.Key))) return added;
            if (attempt == Attempts)
            {
                _observer.Warning(ErrorCodes.RegistryCacheUnavailable, $"registry cache {target.Name}: concurrent writers replaced this run's records {Attempts} times; they are not recorded");
                return 0;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        foreach (var client in _ownedClients) client.Dispose();
        return ValueTask.CompletedTask;
    }
}
