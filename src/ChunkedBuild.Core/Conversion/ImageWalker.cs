using System.Text.Json;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// Finds every single-platform image under a root descriptor: a manifest, or an index (nested indexes, as the .NET SDK writes for
/// multi-RID archives, are followed as a DAG: each manifest once, see <see cref="ImageGraph"/>). Attestation manifests and other
/// non-image entries are skipped with an info line.
/// </summary>
public static class ImageWalker
{
    /// <summary>Index entries with this annotation are BuildKit attestations that refer to another manifest by digest.</summary>
    private const string ReferenceTypeAnnotation = "vnd.docker.reference.type";

    /// <summary>Walks every root of <paramref name="image"/> and groups its platform images, in index order, with the variants each already holds.</summary>
    public static async Task<IReadOnlyList<SourcePlatform>> PlatformsAsync(IImageSource source, SourceImage image, IConversionObserver observer, CancellationToken cancellationToken)
    {
        var manifests = new List<PlatformImage>();
        foreach (var root in image.Roots) manifests.AddRange(await CollectAsync(source, root, observer, cancellationToken).ConfigureAwait(false));
        return SourcePlatform.Group(manifests);
    }

    /// <summary>Walks <paramref name="root"/> and returns its platform images in index order.</summary>
    public static async Task<IReadOnlyList<PlatformImage>> CollectAsync(IImageSource source, Descriptor root, IConversionObserver observer, CancellationToken cancellationToken)
    {
        if (!MediaTypes.IsIndex(root.MediaType) && !MediaTypes.IsManifest(root.MediaType))
            throw new ChunkedBuildException(ErrorCodes.UnknownMediaType, $"{source.DisplayName}: {root.Digest} has media type '{root.MediaType}', not an image manifest or index");
        var found = new List<PlatformImage>();
        var graph = new ImageGraph(source.DisplayName, source.ReadBlobAsync);
        await graph.WalkAsync(root, child => Follow(child, observer), (_, _) => Task.CompletedTask,
            async (descriptor, manifest) => found.Add(await PlatformAsync(source, graph, descriptor, manifest, cancellationToken).ConfigureAwait(false)),
            cancellationToken).ConfigureAwait(false);
        if (found.Count == 0) throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"{source.DisplayName}: {root.Digest} holds no image manifest");
        return found;
    }

    private static bool Follow(Descriptor child, IConversionObserver observer)
    {
        if (child.Annotation(ReferenceTypeAnnotation) is { } type)
        {
            observer.Info($"skipping {child.Digest}: a {type} entry, not an image");
            return false;
        }
        if (!MediaTypes.IsIndex(child.MediaType) && !MediaTypes.IsManifest(child.MediaType))
        {
            observer.Warning(ErrorCodes.UnknownMediaType, $"skipping index entry {child.Digest}: media type '{child.MediaType}' is not an image manifest or index");
            return false;
        }
        return true;
    }

    private static async Task<PlatformImage> PlatformAsync(IImageSource source, ImageGraph graph, Descriptor descriptor, OciDocument<Manifest> manifest, CancellationToken cancellationToken)
    {
        var configDescriptor = manifest.Value.Config;
        var configRaw = await graph.ReadAsync(configDescriptor, "config", cancellationToken).ConfigureAwait(false);
        ImageConfig config;
        try
        {
            config = ImageConfig.Parse(configRaw);
        }
        catch (JsonException e)
        {
            throw new ChunkedBuildException(ErrorCodes.MalformedDocument,
                $"{source.DisplayName}: config {configDescriptor.Digest} of manifest {descriptor.Digest} is not a valid image config: {e.Message}", innerException: e);
        }
        if (config.DiffIds.Count != manifest.Value.Layers.Count)
        {
            throw new ChunkedBuildException(ErrorCodes.DiffIdMismatch,
                $"{source.DisplayName}: manifest {descriptor.Digest} has {manifest.Value.Layers.Count} layers but its config lists {config.DiffIds.Count} diff_ids");
        }
        foreach (var layer in manifest.Value.Layers) LayerTranscoder.OciLayerMediaType(layer.MediaType);
        var platform = descriptor.Platform is { Os: not null, Architecture: not null } p ? p : config.Platform;
        return new PlatformImage { Descriptor = descriptor, Manifest = manifest, ConfigRaw = configRaw, Config = config, Platform = platform };
    }
}
