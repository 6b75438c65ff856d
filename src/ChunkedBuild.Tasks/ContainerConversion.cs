using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;

namespace ChunkedBuild.Tasks;

/// <summary>What <see cref="ContainerConversion"/> does with the SDK's archive.</summary>
public sealed record ContainerConversionSettings
{
    /// <summary>The archive the SDK wrote (resolved to the file, see <see cref="ContainerArchivePath"/>).</summary>
    public required string ArchivePath { get; init; }

    /// <summary>The image repository (<c>ContainerRepository</c>).</summary>
    public required string Repository { get; init; }

    /// <summary>The tags the user asked for (<c>ContainerImageTags</c>); empty → the archive's own tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>
    /// The registry to push to (<c>ContainerRegistry</c>, <c>host[:port]</c>); null → convert in place: the archive is replaced
    /// (atomically) by an OCI archive holding the converted image.
    /// </summary>
    public string? Registry { get; init; }

    /// <summary>The conversion itself (variants, publishing mode, levels, cache).</summary>
    public required ConversionRequest Request { get; init; }
}

/// <summary>One tag the conversion wrote, as the task reports it (<c>@(ChunkedImage)</c>).</summary>
/// <param name="Reference">Where it can be pulled: <c>registry/repository:tag</c>, or <c>oci-archive:&lt;file&gt;:tag</c>.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Digest">The digest of the manifest or index the tag names.</param>
/// <param name="MediaType">Its media type.</param>
/// <param name="Variant">The variant (<c>estargz</c>, <c>zstd-chunked</c>, <c>original</c>), or every variant of an index, comma-separated.</param>
public sealed record PublishedChunkedImage(string Reference, string Tag, string Digest, string MediaType, string Variant);

/// <summary>
/// The logic behind <see cref="ConvertContainerImage"/>, free of MSBuild types: reads the archive the SDK's container step wrote and
/// converts it with <see cref="ImageConverter"/>, either back into the same file (as an OCI archive) or to a registry.
/// </summary>
public static class ContainerConversion
{
    /// <summary>Runs the conversion; returns the summary and the tags written.</summary>
    /// <param name="settings">What to convert and where to.</param>
    /// <param name="observer">Hears about layers and warnings.</param>
    /// <param name="registry">Registry access for push mode (null: push mode fails with CHB9001).</param>
    /// <param name="archiveTime">The time written into archive entries (SOURCE_DATE_EPOCH), null for the Unix epoch.</param>
    /// <param name="cancellationToken">Stops the conversion.</param>
    public static async Task<(ConversionResult Result, IReadOnlyList<PublishedChunkedImage> Images)> RunAsync(
        ContainerConversionSettings settings, IConversionObserver observer, IRegistryTransport? registry, DateTimeOffset? archiveTime,
        CancellationToken cancellationToken = default)
    {
        var request = settings.Tags.Count > 0 ? settings.Request with { Tags = settings.Tags } : settings.Request;
        var transports = new ImageTransports(registry, archiveTime);
        if (settings.Registry is { } host)
        {
            var destination = $"docker://{host}/{settings.Repository}";
            ConversionResult pushed;
            await using (var source = transports.OpenSource(settings.ArchivePath))
            await using (var sink = transports.OpenSink(destination, out _))
                pushed = await new ImageConverter(request, observer, registry).ConvertAsync(source, sink, cancellationToken).ConfigureAwait(false);
            return (pushed, Describe(pushed, tag => $"{host}/{settings.Repository}:{tag}"));
        }

        // In place: the sink stages beside the archive and renames onto it only once the conversion succeeded.
        ConversionResult converted;
        await using (var source = transports.OpenSource(settings.ArchivePath))
        await using (var sink = new OciArchiveSink(settings.ArchivePath, "oci-archive:" + settings.ArchivePath, archiveTime ?? DateTimeOffset.UnixEpoch, ExistingArchive.Replace))
            converted = await new ImageConverter(request, observer, registry).ConvertAsync(source, sink, cancellationToken).ConfigureAwait(false);
        return (converted, Describe(converted, tag => $"oci-archive:{settings.ArchivePath}:{tag}"));
    }

    private static List<PublishedChunkedImage> Describe(ConversionResult result, Func<string, string> reference)
    {
        var allVariants = string.Join(",", result.Variants.Select(v => v.Variant.Name()));
        return [.. result.Tags.Select(t => new PublishedChunkedImage(reference(t.Tag), t.Tag, t.Descriptor.Digest.ToString(), t.Descriptor.MediaType,
            t.Variant?.Name() ?? allVariants))];
    }
}
