using System.Collections.Concurrent;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Tests.Robustness.Fuzz;

/// <summary>
/// An image held in memory, as a source (blobs verified against their descriptors on whole reads, as the real sources do) and as a sink
/// (what a conversion writes can be read back and verified). Keeps the fuzz loop free of disk and network.
/// </summary>
internal sealed class MemoryImage : IImageSource, IImageSink
{
    private readonly ConcurrentDictionary<Digest, byte[]> _blobs = new();
    private readonly ConcurrentDictionary<string, Descriptor> _tags = new(StringComparer.Ordinal);

    public MemoryImage(string name) => DisplayName = name;

    public string DisplayName { get; }

    /// <summary>The image <see cref="ResolveAsync"/> returns (a source image); null until set.</summary>
    public Descriptor? Root { get; set; }

    /// <summary>Stores a blob and returns its digest.</summary>
    public Digest Add(byte[] bytes)
    {
        var digest = Digest.Sha256Of(bytes);
        _blobs[digest] = bytes;
        return digest;
    }

    /// <summary>A descriptor of <paramref name="bytes"/>, stored.</summary>
    public Descriptor Describe(byte[] bytes, string mediaType, Platform? platform = null) =>
        new() { MediaType = mediaType, Digest = Add(bytes), Size = bytes.Length, Platform = platform };

    public Task<IReadOnlyList<SourceImage>> ResolveAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SourceImage>>(Root is { } root ? [new SourceImage(root, ["1"])] : _tags.Select(t => new SourceImage(t.Value, [t.Key])).ToList());

    public Task<byte[]> ReadBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        var bytes = Get(descriptor);
        return bytes.LongLength == descriptor.Size
            ? Task.FromResult(bytes)
            : throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"{DisplayName}: blob {descriptor.Digest} has {bytes.LongLength} bytes, its descriptor says {descriptor.Size}");
    }

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream>(new MemoryStream(Get(descriptor), writable: false));

    private byte[] Get(Descriptor descriptor) =>
        _blobs.TryGetValue(descriptor.Digest, out var bytes) ? bytes : throw new ChunkedBuildException(ErrorCodes.BlobMissing, $"{DisplayName}: blob {descriptor.Digest} is missing");

    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default) => Task.FromResult(_blobs.ContainsKey(descriptor.Digest));

    public async Task WriteBlobAsync(Descriptor descriptor, BlobContent content, CancellationToken cancellationToken = default)
    {
        if (_blobs.ContainsKey(descriptor.Digest)) return;
        await using var stream = await content.Open(cancellationToken);
        var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        if (Digest.Sha256Of(bytes) != descriptor.Digest || bytes.LongLength != descriptor.Size)
            throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"{DisplayName}: written blob does not match {descriptor.Digest}");
        _blobs[descriptor.Digest] = bytes;
    }

    public Task WriteManifestAsync(Descriptor descriptor, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken = default)
    {
        _blobs[descriptor.Digest] = raw.ToArray();
        return Task.CompletedTask;
    }

    public Task TagAsync(Descriptor descriptor, string tag, CancellationToken cancellationToken = default)
    {
        _tags[tag] = descriptor;
        return Task.CompletedTask;
    }

    public Task CommitAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
