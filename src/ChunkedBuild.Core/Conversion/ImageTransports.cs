using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci.Archive;
using ChunkedBuild.Core.Oci.Layout;
using ChunkedBuild.Core.Oci.Transport;

namespace ChunkedBuild.Core.Conversion;

/// <summary>Turns location strings (<c>oci:</c>, <c>oci-archive:</c>, <c>docker-archive:</c>, <c>docker://</c>, bare paths) into sources and sinks.</summary>
public sealed class ImageTransports
{
    private readonly IRegistryTransport? _registry;
    private readonly DateTimeOffset _archiveTime;

    /// <summary>Creates the transports.</summary>
    /// <param name="registry">Registry access, or null when registries are not available to this caller.</param>
    /// <param name="sourceDateEpoch">The time written into archives (SOURCE_DATE_EPOCH); null → the Unix epoch, so output never depends on the day.</param>
    public ImageTransports(IRegistryTransport? registry, DateTimeOffset? sourceDateEpoch)
    {
        _registry = registry;
        _archiveTime = sourceDateEpoch ?? DateTimeOffset.UnixEpoch;
    }

    /// <summary>Opens a source.</summary>
    public IImageSource OpenSource(string text)
    {
        var location = ImageLocation.Parse(text, mustExist: true);
        var name = location.ToString();
        if (location.Kind == TransportKind.Registry) return Registry(text).CreateSource(location);
        if (!Directory.Exists(location.Path) && !File.Exists(location.Path))
            throw new ChunkedBuildException(ErrorCodes.IoError, $"{name}: '{location.Path}' does not exist");
        return location.Kind == TransportKind.DockerArchive
            ? new DockerArchiveSource(location.Path, location.Reference, name)
            : new OciLayoutSource(location.Path, location.Reference, name);
    }

    /// <summary>Opens a sink; <paramref name="tag"/> receives the tag the location names (<c>oci:dir:tag</c>, <c>docker://repo:tag</c>).</summary>
    public IImageSink OpenSink(string text, out string? tag)
    {
        var location = ImageLocation.Parse(text, mustExist: false);
        var name = location.ToString();
        switch (location.Kind)
        {
            case TransportKind.Oci:
                tag = location.Reference;
                return new OciLayoutSink(location.Path, name);
            case TransportKind.OciArchive:
                tag = location.Reference;
                return new OciArchiveSink(location.Path, name, _archiveTime);
            case TransportKind.DockerArchive:
                throw new ChunkedBuildException(ErrorCodes.InvalidOption,
                    $"{name}: docker-archive cannot be a destination (Docker manifests cannot carry the layer annotations lazy pullers need); use oci-archive: or oci:");
            default:
                return Registry(text).CreateSink(location, out tag);
        }
    }

    private IRegistryTransport Registry(string text) =>
        _registry ?? throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"'{text}': registries are not available here");
}
