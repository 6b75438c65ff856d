using System.Text.Json;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Oci.Layout;

/// <summary>
/// Reads an OCI image layout, as a folder or as a tar of one (the SDK's <c>ContainerArchiveOutputPath</c> output): the
/// top-level index, its entries by reference name, and blobs verified against their digests. Nothing is read before
/// it is asked for.
/// </summary>
public sealed class OciLayoutReader
{
    private readonly string _root;
    private readonly Func<string, bool> _exists;
    private readonly Func<string, Stream> _open;

    /// <summary>
    /// Opens the layout at <paramref name="root"/> (a folder or a tar file); one without <c>oci-layout</c> and
    /// <c>index.json</c> is a CHB2001 error.
    /// </summary>
    public OciLayoutReader(string root)
    {
        _root = Path.GetFullPath(root);
        if (Directory.Exists(_root))
        {
            _exists = relative => File.Exists(Path.Combine(_root, relative));
            _open = relative => new FileStream(Path.Combine(_root, relative), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        else if (File.Exists(_root))
        {
            var archive = Archive.TarArchiveIndex.Open(_root);
            _exists = archive.Contains;
            _open = archive.OpenEntry;
        }
        else
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"'{root}' does not exist");
        }
        if (!_exists(OciLayoutFiles.LayoutFile) || !_exists(OciLayoutFiles.IndexFile))
            throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"'{root}' is not an OCI image layout (no oci-layout and index.json)");
        using var index = _open(OciLayoutFiles.IndexFile);
        var buffer = new MemoryStream();
        index.CopyTo(buffer);
        Index = ReadDocument<ImageIndex>(buffer.ToArray(), OciLayoutFiles.IndexFile);
    }

    /// <summary>The top-level index as read.</summary>
    public OciDocument<ImageIndex> Index { get; }

    /// <summary>
    /// The index entry called <paramref name="reference"/> (its <c>org.opencontainers.image.ref.name</c>); with no
    /// reference, the only entry. Missing or ambiguous references are CHB2002 errors.
    /// </summary>
    public Descriptor Resolve(string? reference)
    {
        // Untagged artifact entries (referrers) are not images a caller can mean by "the only image".
        var entries = reference is null ? Index.Value.Manifests.Where(e => e.ArtifactType is null || e.Annotation(OciLayoutFiles.RefNameAnnotation) is not null).ToList() : Index.Value.Manifests;
        if (reference is null)
        {
            return entries.Count == 1 ? entries[0]
                : throw new ChunkedBuildException(ErrorCodes.ReferenceNotFound,
                    $"the layout holds {entries.Count} images; name one of: {string.Join(", ", entries.Select(e => e.Annotation(OciLayoutFiles.RefNameAnnotation) ?? e.Digest.ToString()))}");
        }
        var matches = entries.Where(e => e.Annotation(OciLayoutFiles.RefNameAnnotation) == reference).ToList();
        return matches.Count == 1 ? matches[0]
            : throw new ChunkedBuildException(ErrorCodes.ReferenceNotFound, $"the layout has {(matches.Count == 0 ? "no" : "more than one")} image named '{reference}'");
    }

    /// <summary>True when the blob exists in the layout.</summary>
    public bool Contains(Digest digest) => _exists(OciLayoutFiles.BlobPath(digest));

    /// <summary>Opens a blob for streaming (not verified; use <see cref="ReadBlob"/> for small documents).</summary>
    public Stream OpenBlob(Digest digest) =>
        Contains(digest)
            ? _open(OciLayoutFiles.BlobPath(digest))
            : throw new ChunkedBuildException(ErrorCodes.BlobMissing, $"blob {digest} is missing from the layout '{_root}'");

    /// <summary>Reads a whole blob and checks its digest (CHB2004 on a mismatch).</summary>
    public byte[] ReadBlob(Digest digest)
    {
        byte[] bytes;
        using (var stream = OpenBlob(digest))
        {
            var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        var actual = Digest.Sha256Of(bytes);
        return actual == digest ? bytes
            : throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"blob {digest} in the layout '{_root}' hashes to {actual}");
    }

    /// <summary>Reads and parses a manifest or index blob named by <paramref name="descriptor"/>.</summary>
    public OciDocument<T> ReadDocument<T>(Descriptor descriptor) => ReadDocument<T>(ReadBlob(descriptor.Digest), descriptor.Digest.ToString());

    private static OciDocument<T> ReadDocument<T>(byte[] raw, string name)
    {
        try
        {
            return OciDocument<T>.Parse(raw);
        }
        catch (JsonException e)
        {
            throw new ChunkedBuildException(ErrorCodes.MalformedDocument, $"{name} is not a valid {typeof(T).Name}: {e.Message}", innerException: e);
        }
    }
}
