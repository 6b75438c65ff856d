using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// Produces one source layer in one variant: passes through what needs no work (the original variant, layers already in the format),
/// reuses the converted-layer cache, and otherwise converts, checking the source blob's digest and its DiffID on the way. Layers a
/// format cannot represent are kept in their original compression (or fail with <see cref="ConversionRequest.Strict"/>).
/// </summary>
public sealed class LayerTranscoder
{
    /// <summary>Refusals: entries a lazy format cannot represent faithfully. The layer is kept as it is (with a warning) unless strict.</summary>
    private static readonly HashSet<string> RefusalCodes =
    [
        ErrorCodes.UnsupportedTypeflag, ErrorCodes.SparseFile, ErrorCodes.GlobalPaxHeader, ErrorCodes.NonUtf8Name, ErrorCodes.NonUtf8XattrKey,
        ErrorCodes.DuplicatePath, ErrorCodes.HeaderOnlyEntryWithSize, ErrorCodes.HardLinkTargetMissing, ErrorCodes.TimeOutOfRange,
        ErrorCodes.DataAfterEndOfArchive, ErrorCodes.EmptyLinkTarget,
    ];

    private readonly IImageSource _source;
    private readonly LayerStore _store;
    private readonly ConversionRequest _request;
    private readonly IConversionObserver _observer;
    private readonly ListingExchange? _listings;
    private readonly string? _listingFolder;
    private readonly RegistryLayerCache? _registryCache;
    /// <summary>Each format's encoder identity (it compresses a probe): found once per transcoder, not once per layer.</summary>
    private readonly ConcurrentDictionary<ILayerFormat, string> _encoderIdentities = new();
    /// <summary>
    /// Per source layer, a cached or shared zstd:chunked blob proven to decompress to that layer's tar (its DiffID is the config's): the
    /// registry cache's origin check of the layer's eStargz entry reads the source's entries from it instead of the source layer.
    /// </summary>
    private readonly ConcurrentDictionary<Digest, string> _verifiedTars = new();

    /// <summary>Creates a transcoder for layers of <paramref name="source"/>.</summary>
    public LayerTranscoder(IImageSource source, LayerStore store, ConversionRequest request, IConversionObserver observer)
        : this(source, store, request, observer, null, null, null)
    {
    }

    /// <summary>
    /// A transcoder whose zstd:chunked conversions also list each layer for the prioritization planner, and which looks conversions up in
    /// (and remembers them for) <paramref name="registryCache"/>.
    /// </summary>
    internal LayerTranscoder(IImageSource source, LayerStore store, ConversionRequest request, IConversionObserver observer, ListingExchange? listings, string? listingFolder,
        RegistryLayerCache? registryCache)
    {
        _registryCache = registryCache;
        _source = source;
        _store = store;
        _request = request;
        _observer = observer;
        _listings = listings;
        _listingFolder = listingFolder;
    }

    /// <summary>Produces <paramref name="layer"/> in <paramref name="variant"/>; <paramref name="diffId"/> is the config's DiffID for it.</summary>
    /// <param name="layer">The source layer.</param>
    /// <param name="diffId">Its DiffID from the config.</param>
    /// <param name="variant">The variant to produce.</param>
    /// <param name="prioritized">Entry names to place first (eStargz), in the layer's own spelling.</param>
    /// <param name="cancellationToken">Cancels the conversion.</param>
    public async Task<ConvertedLayer> TranscodeAsync(Descriptor layer, Digest diffId, LayerVariant variant, IReadOnlyList<string> prioritized, CancellationToken cancellationToken)
    {
        // A zstd:chunked conversion in tar order reads every entry anyway: it lists the layer for the planner on the way (ListingTee).
        var listingFolder = variant == LayerVariant.ZstdChunked && _listings is not null && _listingFolder is not null
            ? Path.Combine(_listingFolder, layer.Digest.Hex)
            : null;
        var listing = new StrongBox<LayerListing?>();
        LayerListing? offered = null;
        try
        {
            var converted = await TranscodeAsync(layer, diffId, variant, prioritized, listingFolder, listing, cancellationToken).ConfigureAwait(false);
            if (converted.Outcome is LayerOutcome.Converted or LayerOutcome.RegistryCached) offered = listing.Value;
            return converted;
        }
        finally
        {
            if (listingFolder is not null) _listings!.Offer(layer.Digest, offered);
        }
    }

    private async Task<ConvertedLayer> TranscodeAsync(Descriptor layer, Digest diffId, LayerVariant variant, IReadOnlyList<string> prioritized,
        string? listingFolder, StrongBox<LayerListing?> listing, CancellationToken cancellationToken)
    {
        var ociLayer = layer with { MediaType = OciLayerMediaType(layer.MediaType) };
        var format = variant.Format();
        if (format is null)
            return new ConvertedLayer { Descriptor = ociLayer, DiffId = diffId, Outcome = LayerOutcome.Original };
        if (format.Describes(ociLayer))
        {
            return new ConvertedLayer
            {
                Descriptor = ociLayer, DiffId = diffId, Outcome = LayerOutcome.AlreadyInFormat,
                TocDigest = Digest.TryParse(ociLayer.Annotation(format.TocDigestAnnotation), out var toc) ? toc : null,
            };
        }

        var key = LayerStore.Key(layer.Digest, format.Name, CanonicalOptions(format, prioritized), _request.ToolVersion);
        if (_store.TryGet(key, damage => _observer.Warning(ErrorCodes.DigestMismatch, damage)) is { Record: var record } hit)
        {
            if (record.SourceDiffId != diffId) throw DiffIdMismatch(layer, record.SourceDiffId, diffId);
            if (record.Descriptor is null) return Kept(ociLayer, diffId, variant, record.RefusedCode!, record.RefusedMessage!);
            var cached = new ConvertedLayer
            {
                Descriptor = record.Descriptor, DiffId = record.DiffId!.Value, Outcome = LayerOutcome.Cached, BlobFile = hit.BlobPath,
                BlobFingerprint = hit.Fingerprint, TocDigest = record.TocDigest, DensifiedEntries = record.DensifiedEntries ?? [], CacheKey = key,
            };
            _registryCache?.Remember(key, layer, diffId, format, cached);
            NoteVerifiedTar(layer, diffId, variant, cached);
            return cached;
        }

        var options = new FormatOptions
        {
            Level = _request.LevelFor(format),
            ChunkSize = _request.ChunkSize,
            PrioritizedFiles = prioritized,
            DegreeOfParallelism = Math.Max(1, _request.ThreadsPerLayer),
            TempDirectory = _request.TempDirectory,
            SpoolLimit = SpoolLimits.For(layer.Size, _request.SpoolLimit),
            LayerName = layer.Digest.ToString(),
            Sparse = _request.Sparse,
            DeflateEngine = _request.DeflateEngine,
            ManagedZstd = _request.ManagedZstd,
        };
        if (_registryCache is not null)
        {
            var lookup = new SharedLayerLookup(key, layer, diffId, format, options, ct => _source.OpenBlobAsync(layer, ct),
                _verifiedTars.GetValueOrDefault(layer.Digest));
            if (await _registryCache.TryReuseAsync(lookup, cancellationToken).ConfigureAwait(false) is { } shared)
            {
                // A verified blob that decompresses to the source tar itself lists the layer for the planner from its metadata where the
                // format can (zstd:chunked: its TOC and tar-split): a fresh runner whose layers all hit does not decompress every source layer again to plan eStargz's order.
                // (Metadata it cannot read — impossible after its validator — leaves the listing to the planner.)
                if (listingFolder is not null && shared.DiffId == diffId && shared.BlobFile is { } blobFile)
                {
                    try
                    {
                        listing.Value = LayerListing.FromConvertedBlob(format, blobFile, shared.Descriptor.Annotations ?? new Dictionary<string, string>());
                    }
                    catch (Exception e) when (MalformedLayerData.Is(e))
                    {
                        listing.Value = null;
                    }
                }
                NoteVerifiedTar(layer, diffId, variant, shared);
                return shared;
            }
        }

        var work = new LayerWork(layer, variant);
        _observer.LayerStarted(work);
        var temp = _store.NewTempFile();
        try
        {
            LayerWriteResult result;
            Digest sourceDiffId;
            await using (var blob = new ProgressStream(await _source.OpenBlobAsync(layer, cancellationToken).ConfigureAwait(false), work))
            {
                await using (var tar = new HashingReadStream(LayerInput.OpenUncompressed(blob, out _, leaveOpen: true, blobSize: layer.Size)))
                await using (var tee = listingFolder is null ? null : new ListingTee(tar, listingFolder, SpoolLimits.For(layer.Size, _request.SpoolLimit), cancellationToken))
                await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
                {
                    result = await format.WriteAsync((Stream?)tee ?? tar, output, options, cancellationToken).ConfigureAwait(false);
                    if (tee is not null) listing.Value = await tee.CompleteAsync().ConfigureAwait(false);
                    sourceDiffId = Digest.FromSha256Bytes(tar.DrainAndHash());
                }
                var sourceDigest = Digest.FromSha256Bytes(blob.DrainAndHash());
                if (sourceDigest != layer.Digest || blob.BytesRead != layer.Size)
                {
                    throw new ChunkedBuildException(ErrorCodes.DigestMismatch,
                        $"{_source.DisplayName}: the layer blob hashes to {sourceDigest} ({blob.BytesRead} bytes), its descriptor says {layer.Digest} ({layer.Size} bytes)",
                        layer: layer.Digest.ToString());
                }
            }
            if (sourceDiffId != diffId) throw DiffIdMismatch(layer, sourceDiffId, diffId);
            var descriptor = new Descriptor
            {
                MediaType = result.MediaType,
                Digest = result.Digest,
                Size = result.Size,
                Annotations = new SortedDictionary<string, string>(result.Annotations.ToDictionary(), StringComparer.Ordinal),
            };
            var stored = _store.Put(key, temp, new LayerCacheRecord
            {
                SourceDiffId = sourceDiffId, Descriptor = descriptor, DiffId = result.DiffId, TocDigest = result.TocDigest,
                DensifiedEntries = result.DensifiedEntries.Count > 0 ? result.DensifiedEntries : null,
            });
            var converted = new ConvertedLayer
            {
                Descriptor = descriptor, DiffId = result.DiffId, Outcome = LayerOutcome.Converted, BlobFile = stored.BlobPath, BlobFingerprint = stored.Fingerprint,
                TocDigest = result.TocDigest, DensifiedEntries = result.DensifiedEntries, CacheKey = key,
            };
            _registryCache?.Remember(key, layer, diffId, format, converted);
            _observer.LayerFinished(work, converted);
            return converted;
        }
        catch (ChunkedBuildException e) when (RefusalCodes.Contains(e.Code) && !_request.Strict)
        {
            _store.PutRefusal(key, new LayerCacheRecord { SourceDiffId = diffId, RefusedCode = e.Code, RefusedMessage = e.Message });
            var kept = Kept(ociLayer, diffId, variant, e.Code, e.Message);
            _observer.LayerFinished(work, kept);
            return kept;
        }
        catch (ChunkedBuildException e) when (e.Layer is null)
        {
            throw e.WithLayer(layer.Digest.ToString());
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private ConvertedLayer Kept(Descriptor ociLayer, Digest diffId, LayerVariant variant, string code, string message)
    {
        var reason = $"layer {ociLayer.Digest} stays in its original compression in the {variant.Name()} variant: {message}";
        _observer.Warning(code, reason);
        return new ConvertedLayer { Descriptor = ociLayer, DiffId = diffId, Outcome = LayerOutcome.Kept, KeptReason = reason };
    }

    private static ChunkedBuildException DiffIdMismatch(Descriptor layer, Digest actual, Digest expected) =>
        new(ErrorCodes.DiffIdMismatch, $"the layer decompresses to {actual}, but the image config's rootfs.diff_ids says {expected}", layer: layer.Digest.ToString());

    /// <summary>The OCI media type of a layer (Docker v2 layer types mapped to their OCI equivalents).</summary>
    /// <exception cref="ChunkedBuildException">CHB2006 for a media type that is not a known layer type.</exception>
    public static string OciLayerMediaType(string mediaType) =>
        MediaTypes.OciLayerOf(mediaType)
        ?? throw new ChunkedBuildException(ErrorCodes.UnknownMediaType, $"unknown layer media type '{mediaType}' (expected an OCI or Docker v2 tar, tar+gzip or tar+zstd layer)");

    /// <summary>Remembers a reused zstd:chunked blob whose stream is the source tar itself (same DiffID) for later origin checks.</summary>
    private void NoteVerifiedTar(Descriptor layer, Digest diffId, LayerVariant variant, ConvertedLayer reused)
    {
        if (variant == LayerVariant.ZstdChunked && reused.DiffId == diffId && reused.BlobFile is { } file) _verifiedTars.TryAdd(layer.Digest, file);
    }

    private string CanonicalOptions(ILayerFormat format, IReadOnlyList<string> prioritized)
    {
        var list = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', prioritized))));
        // The effective level, never "default": a tool whose default level changed must not reuse entries written at the old one.
        var level = _request.LevelFor(format) ?? format.Levels.Default;
        var encoder = _encoderIdentities.GetOrAdd(format, static (f, o) => f.EncoderIdentity(new FormatOptions { TempDirectory = o.Temp, Level = o.Level, DeflateEngine = o.Engine }),
            (Level: level, Engine: _request.DeflateEngine, Temp: _request.TempDirectory));
        return $"output=v{format.OutputVersion};level={level.ToString(System.Globalization.CultureInfo.InvariantCulture)};chunk={_request.ChunkSize};prioritized={prioritized.Count}:{list};sparse={_request.Sparse.Name()};encoder={encoder}";
    }

    /// <summary>Hashes and counts the compressed source bytes and reports them to the work item's progress counter.</summary>
    private sealed class ProgressStream(Stream inner, LayerWork work) : ReadOnlyStream
    {
        private readonly HashingReadStream _hashing = new(inner);

        public long BytesRead => _hashing.BytesRead;

        public override int Read(Span<byte> buffer)
        {
            var n = _hashing.Read(buffer);
            work.SetBytesRead(_hashing.BytesRead);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await _hashing.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            work.SetBytesRead(_hashing.BytesRead);
            return n;
        }

        public byte[] DrainAndHash() => _hashing.DrainAndHash();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hashing.Dispose();
            base.Dispose(disposing);
        }
    }
}
