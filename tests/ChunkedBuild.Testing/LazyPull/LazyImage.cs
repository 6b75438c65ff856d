using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;

namespace ChunkedBuild.Testing.LazyPull;

/// <summary>One layer of a <see cref="LazyImage"/>.</summary>
/// <param name="Index">Its position in the manifest (base first).</param>
/// <param name="Descriptor">The layer descriptor as the manifest holds it.</param>
/// <param name="TocEntries">Its eStargz TOC read from the blob (null when it is not eStargz).</param>
/// <param name="TocOffset">Where its TOC member starts (null when it is not eStargz).</param>
public sealed record LazyImageLayer(int Index, Descriptor Descriptor, IReadOnlyList<TocRange>? TocEntries, long? TocOffset = null)
{
    /// <summary>The layer digest.</summary>
    public string Digest => Descriptor.Digest.ToString();

    /// <summary>The TOC digest annotation, or null.</summary>
    public string? TocDigest => Descriptor.Annotation(LayerFormats.EStargz.TocDigestAnnotation);

    /// <summary>
    /// Where stargz-snapshotter stops prefetching: the offset of the <c>.prefetch.landmark</c> payload's member (it caches
    /// <c>[0, offset)</c>), or null when the TOC has no such landmark (then nothing is prefetched).
    /// </summary>
    public long? PrefetchEnd => TocEntries?.FirstOrDefault(e => EStargzTocEntry.CleanEntryName(e.Name) == EStargzSpec.PrefetchLandmark) is { } landmark ? landmark.Offset : null;
}

/// <summary>
/// The image manifest a containerd pull of a reference uses — an index resolves to its first linux/amd64 manifest, as containerd picks
/// (the converter puts eStargz first) — with each layer's eStargz TOC, read straight from the registry (not through a measured link).
/// </summary>
/// <param name="Repository">The repository.</param>
/// <param name="Manifest">The platform manifest's digest.</param>
/// <param name="Layers">Its layers, base first.</param>
public sealed record LazyImage(string Repository, Digest Manifest, IReadOnlyList<LazyImageLayer> Layers)
{
    /// <summary>Reads <paramref name="reference"/> (<c>host:port/repo:tag</c> or <c>@digest</c>) from its registry.</summary>
    public static async Task<LazyImage> ReadAsync(string reference)
    {
        var image = ImageReference.Parse(reference);
        using var client = new RegistryClient(new RegistryClientOptions());
        var manifest = await client.GetManifestAsync(image);
        if (manifest.IsIndex)
        {
            var index = OciJson.Parse<ImageIndex>(manifest.Raw);
            var first = index.Manifests.First(m => m.Platform is { Os: "linux", Architecture: "amd64" } || m.Platform is null);
            manifest = await client.GetManifestAsync(image, first.Digest.ToString());
        }
        var value = OciJson.Parse<Manifest>(manifest.Raw);
        var layers = new List<LazyImageLayer>();
        for (var i = 0; i < value.Layers.Count; i++)
        {
            var layer = value.Layers[i];
            IReadOnlyList<TocRange>? toc = null;
            long? tocOffset = null;
            if (LayerFormats.EStargz.Describes(layer))
            {
                var blob = await client.ReadBlobAsync(image, layer);
                var read = LayerFormats.EStargz.ReadToc(new MemoryStream(blob, writable: false), layer.Annotations);
                (toc, tocOffset) = (read.Entries, read.TocOffset);
            }
            layers.Add(new LazyImageLayer(i, layer, toc, tocOffset));
        }
        return new LazyImage(image.Repository, manifest.Digest, layers);
    }
}
