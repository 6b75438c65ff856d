using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports.Layout;

/// <summary>
/// An <see cref="IImageSource"/> over an OCI image layout, as a folder (<c>oci:</c>) or a tar file (<c>oci-archive:</c>, the .NET SDK's
/// archive for OCI images: duplicate entries and a missing directory tree are tolerated).
/// </summary>
public sealed class OciLayoutSource : IImageSource
{
    private readonly OciLayoutReader _reader;
    private readonly string? _reference;
    private readonly IReadOnlyList<string> _variantTagSuffixes;

    /// <summary>Opens the layout at <paramref name="path"/>; <paramref name="reference"/> selects an image by its ref name.</summary>
    /// <param name="path">The layout folder or tar.</param>
    /// <param name="reference">The ref name of the image to read; null: the layout's only image.</param>
    /// <param name="displayName">The name for messages.</param>
    /// <param name="variantTagSuffixes">
    /// Tag suffixes that name variants of one image (<c>-estargz</c>, <c>-zstdchunked</c>): without a reference, a layout whose images are
    /// tagged <c>t</c>, <c>t-estargz</c>, … (the same base tags for each) is one image known by the base tags, with the others as its
    /// <see cref="SourceImage.Variants"/>.
    /// </param>
    public OciLayoutSource(string path, string? reference, string displayName, IReadOnlyList<string>? variantTagSuffixes = null)
    {
        _reader = new OciLayoutReader(path);
        _reference = reference;
        _variantTagSuffixes = variantTagSuffixes ?? [];
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
        if (VariantSet(entries) is { } image) return Task.FromResult<IReadOnlyList<SourceImage>>([image]);
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

    /// <summary>
    /// The entries as one image in one or more variants, when they are: every entry tagged, each image's tags all carrying the same variant
    /// suffix (or none), one image per suffix, and every image known by the same base tags, which become the image's tags (a layout holding
    /// only <c>1.0-estargz</c> is the eStargz variant of <c>1.0</c>). The image without a suffix (the original) is the root when there is one.
    /// </summary>
    private SourceImage? VariantSet(List<Descriptor> entries)
    {
        if (entries.Any(e => RefName(e) is null)) return null;
        var images = entries.GroupBy(e => e.Digest).Select(g =>
        {
            var split = g.Select(e => Split(RefName(e)!)).ToList();
            return (Entry: g.First(), Suffixes: split.Select(s => s.Suffix).Distinct().ToList(), Bases: split.Select(s => s.Base).Distinct().Order(StringComparer.Ordinal).ToList());
        }).ToList();
        if (images.Any(i => i.Suffixes.Count != 1) || images.Select(i => i.Suffixes[0]).Distinct().Count() != images.Count) return null;
        if (images.Any(i => !i.Bases.SequenceEqual(images[0].Bases, StringComparer.Ordinal))) return null;
        var root = images.FirstOrDefault(i => i.Suffixes[0].Length == 0);
        if (root.Entry is null) root = images[0];
        var tags = entries.Where(e => e.Digest == root.Entry.Digest).Select(e => Split(RefName(e)!).Base).Distinct().ToList();
        return new SourceImage(Plain(root.Entry), tags) { Variants = [.. images.Where(i => i.Entry.Digest != root.Entry.Digest).Select(i => Plain(i.Entry))] };
    }

    private (string Base, string Suffix) Split(string tag) =>
        _variantTagSuffixes.FirstOrDefault(s => tag.Length > s.Length && tag.EndsWith(s, StringComparison.Ordinal)) is { } suffix
            ? (tag[..^suffix.Length], suffix)
            : (tag, "");

    /// <inheritdoc />
    public Task<byte[]> ReadBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default) =>
        Task.FromResult(_reader.ReadBlob(descriptor));

    /// <inheritdoc />
    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default) =>
        Task.FromResult(_reader.OpenBlob(descriptor));

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
