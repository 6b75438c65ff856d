using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Oci.Transport;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Formats.EStargz;

namespace ChunkedBuild.Core.Conversion;

/// <summary>Lists what an image holds: index → manifests → layers, with each layer's format, size, TOC digest and TOC entry count.</summary>
public static class ImageInspector
{
    /// <summary>Inspects the images <paramref name="source"/> selects. With <paramref name="countEntries"/>, lazy layers are fetched to read their TOCs.</summary>
    public static async Task<IReadOnlyList<InspectedImage>> InspectAsync(IImageSource source, bool countEntries, string? tempDirectory, CancellationToken cancellationToken = default)
    {
        var images = new List<InspectedImage>();
        foreach (var image in await source.ResolveAsync(cancellationToken).ConfigureAwait(false))
        {
            var manifests = new List<InspectedManifest>();
            foreach (var root in image.Roots)
            foreach (var platform in await ImageWalker.CollectAsync(source, root, new SilentConversionObserver(), cancellationToken).ConfigureAwait(false))
            {
                var layers = new List<InspectedLayer>();
                var sourceLayers = platform.Manifest.Value.Layers;
                for (var i = 0; i < sourceLayers.Count; i++)
                {
                    var layer = sourceLayers[i];
                    var kind = LayerKinds.Of(layer);
                    Digest? toc = Digest.TryParse(layer.Annotation(kind == LayerKinds.EStargz ? EStargzSpec.TocDigestAnnotation : ZstdChunkedSpec.ManifestChecksumAnnotation), out var t) ? t : null;
                    int? entries = null;
                    if (countEntries && LayerKinds.FormatName(kind) is { } format)
                    {
                        // Only the footer and the TOC are fetched (ranged reads), never the whole layer.
                        await using var blob = new BlobWindowStream(source, layer, cancellationToken);
                        entries = LayerToc.Read(blob, format, layer.Annotations).Entries.Count;
                    }
                    layers.Add(new InspectedLayer(layer, kind, platform.Config.DiffIds[i], toc, entries));
                }
                var referrers = await source.ReferrersAsync(platform.Manifest.Digest, PrioritizationRecord.MediaType, cancellationToken).ConfigureAwait(false);
                manifests.Add(new InspectedManifest(platform.Descriptor, platform.Platform, VariantOf(platform.Descriptor, layers), platform.Manifest.Value.Config, layers, referrers));
            }
            images.Add(new InspectedImage(image.Descriptor, image.Tags, manifests));
        }
        return images;
    }

    /// <summary>estargz, zstd-chunked, original or mixed, from the layer kinds (and the zstd compression annotation).</summary>
    internal static string VariantOf(Descriptor manifest, IReadOnlyList<InspectedLayer> layers)
    {
        var kinds = layers.Select(l => l.Format).Distinct().ToList();
        if (kinds.All(k => k is not (LayerKinds.EStargz or LayerKinds.ZstdChunked))) return "original";
        if (manifest.Annotation(Annotations.CompressionZstd) == "true" || kinds.All(k => k is LayerKinds.ZstdChunked or "zstd")) return "zstd-chunked";
        return kinds.All(k => k is LayerKinds.EStargz or "gzip") ? "estargz" : "mixed";
    }
}
