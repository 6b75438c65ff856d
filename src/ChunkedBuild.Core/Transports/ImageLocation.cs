using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Transports.Archive;
using ChunkedBuild.Core.Transports.Layout;

namespace ChunkedBuild.Core.Transports;

/// <summary>
/// A parsed image location: <c>oci:&lt;dir&gt;[:&lt;ref&gt;]</c>, <c>oci-archive:&lt;file&gt;[:&lt;ref&gt;]</c>,
/// <c>docker-archive:&lt;file&gt;</c>, <c>docker://&lt;reference&gt;</c>, or a bare path whose kind is detected from its content.
/// As in skopeo, the path ends at the first <c>:</c> after the transport name.
/// </summary>
/// <param name="Kind">The transport.</param>
/// <param name="Path">The folder or file (for <see cref="TransportKind.Registry"/>: the reference after <c>docker://</c>).</param>
/// <param name="Reference">The tag / ref name inside a layout or archive, if given.</param>
public sealed record ImageLocation(TransportKind Kind, string Path, string? Reference)
{
    private const string OciPrefix = "oci:";
    private const string OciArchivePrefix = "oci-archive:";
    private const string DockerArchivePrefix = "docker-archive:";
    private const string RegistryPrefix = "docker://";

    /// <summary>Parses a location. Bare paths are detected (<see cref="Detect"/>) only when <paramref name="mustExist"/> is true.</summary>
    /// <exception cref="ChunkedBuildException">CHB9001 for an empty or unknown location, CHB2001 for a bare path that is no image.</exception>
    public static ImageLocation Parse(string text, bool mustExist)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ChunkedBuildException(ErrorCodes.InvalidOption, "an image location is empty");
        if (text.StartsWith(RegistryPrefix, StringComparison.Ordinal))
            return new ImageLocation(TransportKind.Registry, text[RegistryPrefix.Length..], null);
        if (text.StartsWith(OciArchivePrefix, StringComparison.Ordinal)) return WithReference(TransportKind.OciArchive, text[OciArchivePrefix.Length..]);
        if (text.StartsWith(OciPrefix, StringComparison.Ordinal)) return WithReference(TransportKind.Oci, text[OciPrefix.Length..]);
        if (text.StartsWith(DockerArchivePrefix, StringComparison.Ordinal))
        {
            var rest = text[DockerArchivePrefix.Length..];
            var colon = rest.IndexOf(':');
            return colon < 0 ? new ImageLocation(TransportKind.DockerArchive, rest, null) : new ImageLocation(TransportKind.DockerArchive, rest[..colon], rest[(colon + 1)..]);
        }
        if (text.Contains("://", StringComparison.Ordinal))
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"unknown transport in '{text}' (use oci:, oci-archive:, docker-archive: or docker://)");
        if (!mustExist) throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"say which kind of destination '{text}' is: oci:{text} or oci-archive:{text}");
        return Detect(text);
    }

    /// <summary>Detects the kind of a bare path: a layout folder, an OCI layout tar, or a docker archive tar.</summary>
    public static ImageLocation Detect(string path)
    {
        if (Directory.Exists(path))
        {
            return File.Exists(System.IO.Path.Combine(path, OciLayoutFiles.LayoutFile))
                ? new ImageLocation(TransportKind.Oci, path, null)
                : throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"'{path}' is a folder but not an OCI image layout (no {OciLayoutFiles.LayoutFile} file)");
        }
        if (!File.Exists(path)) throw new ChunkedBuildException(ErrorCodes.IoError, $"'{path}' does not exist");
        var archive = TarArchiveIndex.Open(path);
        if (archive.Contains(OciLayoutFiles.LayoutFile)) return new ImageLocation(TransportKind.OciArchive, path, null);
        if (archive.Contains(DockerArchiveFiles.ManifestFile)) return new ImageLocation(TransportKind.DockerArchive, path, null);
        throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"'{path}' is a tar file but neither an OCI layout archive ({OciLayoutFiles.LayoutFile}) nor a docker archive ({DockerArchiveFiles.ManifestFile})");
    }

    private static ImageLocation WithReference(TransportKind kind, string rest)
    {
        var colon = rest.IndexOf(':');
        var path = colon < 0 ? rest : rest[..colon];
        var reference = colon < 0 ? null : rest[(colon + 1)..];
        if (path.Length == 0) throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"the location '{kind}' has no path");
        if (reference is { Length: 0 }) throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"the reference after ':' in '{path}:' is empty (leave out the ':' for none)");
        return new ImageLocation(kind, path, reference);
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        TransportKind.Oci => OciPrefix + Path + (Reference is null ? "" : ":" + Reference),
        TransportKind.OciArchive => OciArchivePrefix + Path + (Reference is null ? "" : ":" + Reference),
        TransportKind.DockerArchive => DockerArchivePrefix + Path + (Reference is null ? "" : ":" + Reference),
        _ => RegistryPrefix + Path,
    };
}
