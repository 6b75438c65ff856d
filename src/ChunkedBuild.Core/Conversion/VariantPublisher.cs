using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// The publishing step of a conversion, once every blob is in the sink: per image, its manifests, the prioritization records that
/// refer to them, then either one index of every variant under each tag (<see cref="PublishMode.Index"/>: per platform, in source order,
/// the variants in <see cref="LayerVariants.PublishOrder"/>) or one tag per variant (<see cref="PublishMode.Tags"/>: <c>tag-estargz</c>,
/// <c>tag</c> for the original, <c>tag-zstdchunked</c>, in <see cref="LayerVariants.PublishOrder"/>). The commit is the caller's.
/// </summary>
internal sealed class VariantPublisher(ConversionRequest request, IImageSource source, IImageSink sink)
{
    /// <summary>The tags <paramref name="image"/> is published under (the request's, else the source's, else <c>latest</c>), each checked with its variant suffixes.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001 for a tag that is not valid with a variant's suffix.</exception>
    public static IReadOnlyList<string> TagsFor(ConversionRequest request, SourceImage image)
    {
        var fromSource = request.Tags.Count == 0 && image.Tags.Count > 0;
        IReadOnlyList<string> tags = request.Tags.Count > 0 ? request.Tags : fromSource ? image.Tags : ["latest"];
        foreach (var tag in tags)
        {
            foreach (var written in request.Publish == PublishMode.Tags ? request.Variants.Select(v => tag + v.TagSuffix()) : [tag])
                ImageTag.Validate(written, fromSource ? $"the source's tag {ImageTag.Quote(tag)} gives" : null);
        }
        return tags;
    }

    /// <summary>Publishes <paramref name="images"/>; <paramref name="plans"/> are the prioritization plans by source manifest digest.</summary>
    /// <returns>The tags written, in order.</returns>
    public async Task<IReadOnlyList<PublishedTag>> PublishAsync(IReadOnlyList<BuiltImage> images, IReadOnlyDictionary<Digest, PrioritizationPlan> plans, CancellationToken token)
    {
        var tags = new List<PublishedTag>();
        foreach (var image in images)
        {
            foreach (var manifest in image.Manifests.DistinctBy(m => m.Descriptor.Digest))
                await sink.WriteManifestAsync(manifest.Descriptor, manifest.ManifestRaw, token).ConfigureAwait(false);
            await WriteRecordsAsync(image.Manifests, plans, token).ConfigureAwait(false);
            tags.AddRange(request.Publish == PublishMode.Index
                ? await PublishIndexAsync(image, token).ConfigureAwait(false)
                : await PublishTagsAsync(image, token).ConfigureAwait(false));
        }
        return tags;
    }

    /// <summary>The prioritization record of each converted manifest a plan ordered; a manifest passed through keeps the source's record.</summary>
    private async Task WriteRecordsAsync(IReadOnlyList<VariantManifest> manifests, IReadOnlyDictionary<Digest, PrioritizationPlan> plans, CancellationToken token)
    {
        foreach (var manifest in manifests.Where(m => m.Variant != LayerVariant.Original).DistinctBy(m => m.Descriptor.Digest))
        {
            if (plans.TryGetValue(manifest.SourceManifest, out var plan) && plan.Paths.Count > 0)
                await PrioritizationRecord.WriteAsync(sink, source, manifest, plan, request.TempDirectory, token).ConfigureAwait(false);
            else if (manifest.Descriptor.Digest == manifest.SourceManifest)
                await PrioritizationRecord.CopyAsync(sink, source, manifest.Descriptor.Digest, token).ConfigureAwait(false);
        }
    }

    /// <summary>One index holding every variant, under each tag.</summary>
    private async Task<List<PublishedTag>> PublishIndexAsync(BuiltImage image, CancellationToken token)
    {
        var ordered = image.Manifests.GroupBy(m => m.Platform.ToString()).SelectMany(g => g.OrderBy(m => m.Variant.PublishRank())).Select(m => m.Descriptor).ToList();
        var index = OciDocument<ImageIndex>.Create(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = ordered });
        var descriptor = index.Describe(MediaTypes.OciIndex);
        await sink.WriteManifestAsync(descriptor, index.Raw, token).ConfigureAwait(false);
        var published = new List<PublishedTag>();
        foreach (var tag in image.Tags)
        {
            await sink.TagAsync(descriptor, tag, token).ConfigureAwait(false);
            published.Add(new PublishedTag(tag, descriptor, null));
        }
        return published;
    }

    /// <summary>
    /// One tag per variant and tag: the variant's manifest itself when the source was a single manifest, else an index of the variant's
    /// manifests.
    /// </summary>
    private async Task<List<PublishedTag>> PublishTagsAsync(BuiltImage image, CancellationToken token)
    {
        var published = new List<PublishedTag>();
        var isIndex = MediaTypes.IsIndex(image.Image.Descriptor.MediaType);
        foreach (var variant in LayerVariants.InPublishOrder(request.Variants))
        {
            var variantManifests = image.Manifests.Where(m => m.Variant == variant).ToList();
            Descriptor descriptor;
            if (!isIndex && variantManifests.Count == 1)
            {
                descriptor = variantManifests[0].Descriptor with { Platform = null, Annotations = null };
            }
            else
            {
                var index = OciDocument<ImageIndex>.Create(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = variantManifests.Select(m => m.Descriptor).ToList() });
                descriptor = index.Describe(MediaTypes.OciIndex);
                await sink.WriteManifestAsync(descriptor, index.Raw, token).ConfigureAwait(false);
            }
            foreach (var tag in image.Tags)
            {
                var variantTag = tag + variant.TagSuffix();
                await sink.TagAsync(descriptor, variantTag, token).ConfigureAwait(false);
                published.Add(new PublishedTag(variantTag, descriptor, variant));
            }
        }
        return published;
    }
}
