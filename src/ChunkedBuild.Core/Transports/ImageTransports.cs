using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Archive;
using ChunkedBuild.Core.Transports.Layout;

namespace ChunkedBuild.Core.Transports;

/// <summary>Turns location strings (<c>oci:</c>, <c>oci-archive:</c>, <c>docker-archive:</c>, <c>docker://</c>, bare paths) into sources and sinks.</summary>
public sealed class ImageTransports
{
    /// <summary>The tag suffixes <c>--publish tags</c> writes: a layout holding them is read as one image in several variants.</summary>
    private static readonly string[] VariantTagSuffixes = [.. Enum.GetValues<LayerVariant>().Select(v => v.TagSuffix()).Where(s => s.Length > 0)];

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
            : new OciLayoutSource(location.Path, location.Reference, name, VariantTagSuffixes);
    }

    /// <summary>
    /// Opens a sink; <paramref name="tag"/> receives the tag the location names (<c>oci:dir:tag</c>, <c>docker://repo:tag</c>), checked against
    /// the tag grammar (<see cref="ImageTag"/>).
    /// </summary>
    /// <param name="text">The destination.</param>
    /// <param name="tag">The tag the destination names, if any.</param>
    /// <param name="replace">
    /// Start from an empty destination: an existing layout is replaced whole instead of merged into, an existing archive file is overwritten
    /// instead of refused. Registries keep their other tags whatever this says, so there it is a CHB9001 error.
    /// </param>
    /// <param name="source">
    /// The source being converted, if any: an <c>oci-archive:</c> destination that is the source's own file is an in-place conversion: the
    /// file is rewritten (atomically, once the conversion succeeded) keeping what it holds besides the tags written, without
    /// <paramref name="replace"/>.
    /// </param>
    public IImageSink OpenSink(string text, out string? tag, bool replace = false, string? source = null)
    {
        var location = ImageLocation.Parse(text, mustExist: false);
        var name = location.ToString();
        if (location.Kind is TransportKind.Oci or TransportKind.OciArchive && location.Reference is { } reference) ImageTag.Validate(reference, "the destination's tag");
        switch (location.Kind)
        {
            case TransportKind.Oci:
                tag = location.Reference;
                return new OciLayoutSink(location.Path, name, replace);
            case TransportKind.OciArchive:
                tag = location.Reference;
                return new OciArchiveSink(location.Path, name, _archiveTime,
                    replace ? ExistingArchive.Replace : IsSameFile(source, location.Path) ? ExistingArchive.Merge : ExistingArchive.Refuse);
            case TransportKind.DockerArchive:
                throw new ChunkedBuildException(ErrorCodes.InvalidOption,
                    $"{name}: docker-archive cannot be a destination (Docker manifests cannot carry the layer annotations lazy pullers need); use oci-archive: or oci:");
            default:
                if (replace) throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"{name}: --replace applies to oci: and oci-archive: destinations; a registry keeps its other tags");
                return Registry(text).CreateSink(location, out tag);
        }
    }

    /// <summary>Whether the source location names the file <paramref name="destinationFile"/> (after resolving symbolic links).</summary>
    private static bool IsSameFile(string? source, string destinationFile)
    {
        if (source is null || !File.Exists(destinationFile)) return false;
        var location = ImageLocation.Parse(source, mustExist: true);
        return location.Kind is TransportKind.OciArchive or TransportKind.DockerArchive && File.Exists(location.Path)
            && string.Equals(RealPath(location.Path), RealPath(destinationFile), StringComparison.Ordinal);
    }

    private static string RealPath(string path)
    {
        var file = new FileInfo(Path.GetFullPath(path));
        return file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file.FullName;
    }

    private IRegistryTransport Registry(string text) =>
        _registry ?? throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"'{text}': registries are not available here");
}
