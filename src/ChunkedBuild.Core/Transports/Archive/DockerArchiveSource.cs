using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports.Archive;

/// <summary>
/// An <see cref="IImageSource"/> over a <c>docker save</c> / <c>docker load</c> tar (docker, skopeo, and the .NET SDK for Docker-format
/// images). The archive holds no registry manifest, so one is made: a Docker v2 manifest whose layer digests are the sha256 of the
/// layer files as stored (gzip from the SDK, plain tar from docker and skopeo) and whose media types follow the detected compression.
/// </summary>
public sealed class DockerArchiveSource : IImageSource
{
    private readonly TarArchiveIndex _archive;
    private readonly string? _reference;
    private readonly Dictionary<Digest, string> _blobPaths = [];
    private readonly Dictionary<Digest, byte[]> _documents = [];
    private readonly SemaphoreSlim _indexLock = new(1, 1);
    private IReadOnlyList<SourceImage>? _images;

    /// <summary>Opens the archive; <paramref name="reference"/> selects an image by one of its <c>RepoTags</c>.</summary>
    public DockerArchiveSource(string path, string? reference, string displayName)
    {
        _archive = TarArchiveIndex.Open(path);
        _reference = reference;
        DisplayName = displayName;
        if (!_archive.Contains(DockerArchiveFiles.ManifestFile))
            throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"{displayName} is not a docker archive (no {DockerArchiveFiles.ManifestFile})");
    }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SourceImage>> ResolveAsync(CancellationToken cancellationToken = default)
    {
        await _indexLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _images ??= await BuildAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _indexLock.Release();
        }
    }

    private async Task<IReadOnlyList<SourceImage>> BuildAsync(CancellationToken cancellationToken)
    {
        var entries = ReadManifestJson();
        var entry = Select(entries);
        var configBytes = ReadEntry(entry.Config);
        var configDigest = Digest.Sha256Of(configBytes);
        var named = Path.GetFileNameWithoutExtension(entry.Config);
        if (named.Length == 64 && named != configDigest.Hex)
            throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"{DisplayName}: the config '{entry.Config}' hashes to {configDigest}");
        _documents[configDigest] = configBytes;

        var layers = new List<Descriptor>();
        foreach (var layerPath in entry.Layers)
        {
            if (!_archive.Contains(layerPath))
                throw new ChunkedBuildException(ErrorCodes.BlobMissing, $"{DisplayName}: layer file '{layerPath}' named in {DockerArchiveFiles.ManifestFile} is missing");
            var (digest, size, mediaType) = await DescribeLayerAsync(layerPath, cancellationToken).ConfigureAwait(false);
            _blobPaths[digest] = layerPath;
            layers.Add(new Descriptor { MediaType = mediaType, Digest = digest, Size = size });
        }

        var manifest = OciDocument<Manifest>.Create(new Manifest
        {
            MediaType = MediaTypes.DockerManifest,
            Config = new Descriptor { MediaType = MediaTypes.DockerConfig, Digest = configDigest, Size = configBytes.LongLength },
            Layers = layers,
        });
        _documents[manifest.Digest] = manifest.Raw.ToArray();
        var tags = _reference is not null ? [_reference] : (entry.RepoTags ?? []).Select(TagOf).Distinct().ToList();
        return [new SourceImage(manifest.Describe(MediaTypes.DockerManifest), tags)];
    }

    /// <summary>The tag part of a <c>RepoTags</c> name (<c>registry:5000/app:1.0</c> → <c>1.0</c>).</summary>
    private static string TagOf(string repoTag)
    {
        var slash = repoTag.LastIndexOf('/');
        var colon = repoTag.LastIndexOf(':');
        return colon > slash ? repoTag[(colon + 1)..] : "latest";
    }

    private List<DockerArchiveManifestEntry> ReadManifestJson() =>
        OciJson.ParseDocument<List<DockerArchiveManifestEntry>>(ReadEntry(DockerArchiveFiles.ManifestFile), $"{DisplayName}: {DockerArchiveFiles.ManifestFile}", DockerArchiveJson.Options);

    private DockerArchiveManifestEntry Select(List<DockerArchiveManifestEntry> entries)
    {
        if (entries.Count == 0) throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"{DisplayName}: {DockerArchiveFiles.ManifestFile} lists no image");
        if (_reference is null)
        {
            return entries.Count == 1 ? entries[0]
                : throw new ChunkedBuildException(ErrorCodes.ReferenceNotFound,
                    $"{DisplayName} holds {entries.Count} images; name one with :<tag> ({string.Join(", ", entries.SelectMany(e => e.RepoTags ?? []))})");
        }
        var matches = entries.Where(e => (e.RepoTags ?? []).Any(t => t == _reference || TagOf(t) == _reference)).ToList();
        return matches.Count == 1 ? matches[0]
            : throw new ChunkedBuildException(ErrorCodes.ReferenceNotFound, $"{DisplayName} has {(matches.Count == 0 ? "no" : "more than one")} image named '{_reference}'");
    }

    private async Task<(Digest Digest, long Size, string MediaType)> DescribeLayerAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new HashingReadStream(_archive.OpenEntry(path));
        var head = new byte[4];
        await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var digest = Digest.FromSha256Bytes(stream.DrainAndHash());
        var mediaType = head switch
        {
            [0x1f, 0x8b, ..] => MediaTypes.DockerLayerGzip,
            [0x28, 0xb5, 0x2f, 0xfd] => MediaTypes.DockerLayerZstd,
            _ => MediaTypes.DockerLayerTar,
        };
        return (digest, stream.BytesRead, mediaType);
    }

    /// <summary>Reads a JSON file of the archive whole (at most <see cref="ImageLimits.MaxDocumentBytes"/>, CHB2009 past that).</summary>
    private byte[] ReadEntry(string name)
    {
        var length = _archive.LengthOf(name) ?? throw new ChunkedBuildException(ErrorCodes.BlobMissing, $"{DisplayName}: '{name}' is missing from the archive");
        if (length > ImageLimits.MaxDocumentBytes)
            throw new ChunkedBuildException(ErrorCodes.ImageLimitExceeded, $"{DisplayName}: '{name}' has {length} bytes, more than the {ImageLimits.MaxDocumentBytes} bytes a document may have");
        using var stream = _archive.OpenEntry(name);
        var buffer = new MemoryStream((int)length);
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        await ResolveAsync(cancellationToken).ConfigureAwait(false);
        if (_documents.TryGetValue(descriptor.Digest, out var bytes)) return bytes;
        await using var stream = await OpenBlobAsync(descriptor, cancellationToken).ConfigureAwait(false);
        var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <inheritdoc />
    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        await ResolveAsync(cancellationToken).ConfigureAwait(false);
        if (_documents.TryGetValue(descriptor.Digest, out var bytes)) return new MemoryStream(bytes, writable: false);
        return _blobPaths.TryGetValue(descriptor.Digest, out var path)
            ? _archive.OpenEntry(path)
            : throw new ChunkedBuildException(ErrorCodes.BlobMissing, $"{DisplayName}: blob {descriptor.Digest} is not in the archive");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _indexLock.Dispose();
        return ValueTask.CompletedTask;
    }
}
