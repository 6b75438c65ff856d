using System.Text.Json;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Oci.Transport;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// Finds every single-platform image under a root descriptor: a manifest, or an index (nested indexes, as the .NET SDK writes for
/// multi-RID archives, are followed). Attestation manifests and other non-image entries are skipped with an info line.
/// </summary>
public static class ImageWalker
{
    /// <summary>Index entries with this annotation are BuildKit attestations that refer to another manifest by digest.</summary>
    private const string ReferenceTypeAnnotation = "vnd.docker.reference.type";

    /// <summary>The maximum index nesting followed (a guard against cycles).</summary>
    private const int MaxDepth = 8;

    /// <summary>Walks <paramref name="root"/> and returns its platform images in index order.</summary>
    public static async Task<IReadOnlyList<PlatformImage>> CollectAsync(IImageSource source, Descriptor root, IConversionObserver observer, CancellationToken cancellationToken)
    {
        var found = new List<PlatformImage>();
        await WalkAsync(source, root, observer, found, 0, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0) throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"{source.DisplayName}: {root.Digest} holds no image manifest");
        return found;
    }

    private static async Task WalkAsync(IImageSource source, Descriptor descriptor, IConversionObserver observer, List<PlatformImage> found, int depth, CancellationToken cancellationToken)
    {
        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            if (depth >= MaxDepth) throw new ChunkedBuildException(ErrorCodes.MalformedDocument, $"{source.DisplayName}: indexes nest deeper than {MaxDepth} levels at {descriptor.Digest}");
            var index = Parse<ImageIndex>(await source.ReadBlobAsync(descriptor, cancellationToken).ConfigureAwait(false), descriptor, source);
            foreach (var child in index.Value.Manifests)
            {
                if (child.Annotation(ReferenceTypeAnnotation) is { } type)
                {
                    observer.Info($"skipping {child.Digest}: a {type} entry, not an image");
                    continue;
                }
                if (!MediaTypes.IsIndex(child.MediaType) && !MediaTypes.IsManifest(child.MediaType))
                {
                    observer.Warning(ErrorCodes.UnknownMediaType, $"skipping index entry {child.Digest}: media type '{child.MediaType}' is not an image manifest or index");
                    continue;
                }
                await WalkAsync(source, child, observer, found, depth + 1, cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        if (!MediaTypes.IsManifest(descriptor.MediaType))
            throw new ChunkedBuildException(ErrorCodes.UnknownMediaType, $"{source.DisplayName}: {descriptor.Digest} has media type '{descriptor.MediaType}', not an image manifest or index");

        var manifest = Parse<Manifest>(await source.ReadBlobAsync(descriptor, cancellationToken).ConfigureAwait(false), descriptor, source);
        var configRaw = await source.ReadBlobAsync(manifest.Value.Config, cancellationToken).ConfigureAwait(false);
        ImageConfig config;
        try
        {
            config = ImageConfig.Parse(configRaw);
            if (config.DiffIds.Count != manifest.Value.Layers.Count)
            {
                throw new ChunkedBuildException(ErrorCodes.DiffIdMismatch,
                    $"{source.DisplayName}: manifest {descriptor.Digest} has {manifest.Value.Layers.Count} layers but its config lists {config.DiffIds.Count} diff_ids");
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new ChunkedBuildException(ErrorCodes.MalformedDocument, $"{source.DisplayName}: config {manifest.Value.Config.Digest} is not a valid image config: {e.Message}", innerException: e);
        }
        foreach (var layer in manifest.Value.Layers) LayerTranscoder.OciLayerMediaType(layer.MediaType);
        var platform = descriptor.Platform is { Os: not null, Architecture: not null } p ? p : config.Platform;
        found.Add(new PlatformImage { Descriptor = descriptor, Manifest = manifest, ConfigRaw = configRaw, Config = config, Platform = platform });
    }

    private static OciDocument<T> Parse<T>(byte[] raw, Descriptor descriptor, IImageSource source)
    {
        try
        {
            return OciDocument<T>.Parse(raw);
        }
        catch (JsonException e)
        {
            throw new ChunkedBuildException(ErrorCodes.MalformedDocument, $"{source.DisplayName}: {descriptor.Digest} is not a valid {typeof(T).Name}: {e.Message}", innerException: e);
        }
    }
}
