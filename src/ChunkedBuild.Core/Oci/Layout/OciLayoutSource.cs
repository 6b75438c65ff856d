using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci.Transport;

namespace ChunkedBuild.Core.Oci.Layout;

/// <summary>
/// An <see cref="IImageSource"/> over an OCI image layout, as a folder (<c>oci:</c>) or a tar file (<c>oci-archive:</c>, the .NET SDK's
/// archive for OCI images: duplicate entries and a missing directory tree are tolerated).
/// </summary>
public sealed class OciLayoutSource : IImageSource
{
    private readonly OciLayoutReader _reader;
    private readonly string? _reference;

    /// <summary>Opens the layout at <paramref name="path"/>; <paramref name="reference"/> selects an image by its ref name.</summary>
    public OciLayoutSource(string path, string? reference, string displayName)
    {
        _reader = new OciLayoutReader(path);
        _reference = reference;
        DisplayName = displayName;
    }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <inheritdoc />
    public Task<IReadOnlyList<SourceImage>> ResolveAsync(CancellationToken cancellationToken = default)
    {
        if (_reference is not null)
            return Task.FromResult<IReadOnlyList<SourceImage>>([new SourceImage(Plain(_reader.Resolve(_reference)), [_reference])]);
        // Referrer artifacts (untagged entries with an artifactType) are not images to convert.
        var entries = _reader.Index.Value.Manifests.Where(e => e.ArtifactType is null || RefName(e) is not null).ToList();
        if (entries.Count == 0) throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"{DisplayName}: index.json lists no image");
        var digests = entries.Select(e => e.Digest).Distinct().ToList();
        if (digests.Count > 1)
        {
            throw new ChunkedBuildException(ErrorCodes.ReferenceNotFound,
                $"{DisplayName} holds {digests.Count} different images; name one with :<ref> (refs: {string.Join(", ", entries.Select(RefName).OfType<string>().Distinct())})");
        }
        // The SDK writes one index.json entry per tag, all pointing at the same image: one image known by every tag.
        var tags = entries.Select(RefName).OfType<string>().Distinct().ToList();
        return Task.FromResult<IReadOnlyList<SourceImage>>([new SourceImage(Plain(entries[0]), tags)]);
    }

    /// <inheritdoc />
    public Task<byte[]> ReadBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        var bytes = _reader.ReadBlob(descriptor.Digest);
        return bytes.LongLength == descriptor.Size
            ? Task.FromResult(bytes)
            : throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"{DisplayName}: blob {descriptor.Digest} has {bytes.LongLength} bytes, its descriptor says {descriptor.Size}");
    }

    /// <inheritdoc />
    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default) =>
        Task.FromResult(_reader.OpenBlob(descriptor.Digest));

    /// <inheritdoc />
    /// <remarks>Referrers are the index.json entries whose manifest names <paramref name="subject"/> as its subject.</remarks>
    public Task<IReadOnlyList<Descriptor>> ReferrersAsync(Digest subject, string? artifactType, CancellationToken cancellationToken = default)
    {
        var found = new List<Descriptor>();
        foreach (var entry in _reader.Index.Value.Manifests)
        {
            if (!MediaTypes.IsManifest(entry.MediaType) || (artifactType is not null && entry.ArtifactType != artifactType)) continue;
            var manifest = _reader.ReadDocument<Manifest>(entry).Value;
            if (manifest.Subject?.Digest == subject) found.Add(entry with { ArtifactType = manifest.ArtifactType ?? entry.ArtifactType });
        }
        return Task.FromResult<IReadOnlyList<Descriptor>>(found);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string? RefName(Descriptor d) => d.Annotation(OciLayoutFiles.RefNameAnnotation);

    /// <summary>The root descriptor without the layout's bookkeeping annotations (ref names, containerd image names).</summary>
    private static Descriptor Plain(Descriptor d) => d with { Annotations = null };
}
