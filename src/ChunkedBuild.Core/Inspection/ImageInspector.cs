using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports;

namespace ChunkedBuild.Core.Inspection;

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
                    var format = LayerFormats.Detect(layer);
                    Digest? toc = format is not null && Digest.TryParse(layer.Annotation(format.TocDigestAnnotation), out var t) ? t : null;
                    int? entries = null;
                    if (countEntries && format is not null)
                    {
                        // Only the footer and the TOC are fetched (ranged reads), never the whole layer.
                        await using var blob = new BlobWindowStream(source, layer, cancellationToken);
                        entries = format.ReadToc(blob, layer.Annotations).Entries.Count;
                    }
                    layers.Add(new InspectedLayer(layer, LayerFormats.KindOf(layer), platform.Config.DiffIds[i], toc, entries));
                }
                var referrers = await source.ReferrersAsync(platform.Manifest.Digest, PrioritizationRecord.MediaType, cancellationToken).ConfigureAwait(false);
                manifests.Add(new InspectedManifest(platform.Descriptor, platform.Platform, VariantOf(platform.Descriptor, sourceLayers), platform.Manifest.Value.Config, layers, referrers));
            }
            images.Add(new InspectedImage(image.Descriptor, image.Tags, manifests));
        }
        return images;
    }

    /// <summary>
    /// The variant a manifest is, from its layers: <c>original</c> when none is in a lazy format; else the format (<c>zstd-chunked</c>,
    /// <c>estargz</c>) whose layers, or plain layers of its media type, make up all of it, zstd:chunked when the index marks the manifest as
    /// zstd (containers/image's <c>io.github.containers.compression.zstd</c>); else <c>mixed</c>.
    /// </summary>
    internal static string VariantOf(Descriptor manifest, IReadOnlyList<Descriptor> layers)
    {
        var formats = layers.Select(LayerFormats.Detect).ToList();
        if (formats.All(f => f is null)) return LayerVariant.Original.Name();
        if (manifest.Annotation(Annotations.CompressionZstd) == "true") return LayerFormats.All.First(f => f.Compression == LayerCompression.Zstd).Name;
        var only = LayerFormats.All.FirstOrDefault(format =>
            layers.Select((layer, i) => formats[i] == format || (formats[i] is null && MediaTypes.OciLayerOf(layer.MediaType) == format.MediaType)).All(x => x));
        return only?.Name ?? "mixed";
    }
}
