using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports.Layout;

/// <summary>
/// Reads an OCI image layout, as a folder or as a tar of one (the SDK's <c>ContainerArchiveOutputPath</c> output): the
/// top-level index, its entries by reference name, and blobs verified against their digests. Nothing is read before
/// it is asked for. Files are read under <see cref="LayoutFileAccess"/>'s rule: regular files of the layout only (symbolic links
/// only when they stay inside it), never past the size their descriptor gives.
/// </summary>
public sealed class OciLayoutReader
{
    private readonly string _root;
    private readonly LayoutFileAccess _files;

    /// <summary>
    /// Opens the layout at <paramref name="root"/> (a folder or a tar file); one without <c>oci-layout</c> and
    /// <c>index.json</c> is a CHB2001 error.
    /// </summary>
    public OciLayoutReader(string root)
    {
        _root = Path.GetFullPath(root);
        _files = LayoutFileAccess.Open(root);
        var indexLength = _files.Length(OciLayoutFiles.IndexFile);
        if (_files.Length(OciLayoutFiles.LayoutFile) is null || indexLength is null)
            throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"'{root}' is not an OCI image layout (no oci-layout and index.json)");
        if (indexLength == 0)
            throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"'{root}': index.json is empty (or not a regular file)");
        if (indexLength > ImageLimits.MaxDocumentBytes)
            throw new ChunkedBuildException(ErrorCodes.ImageLimitExceeded, $"'{root}': index.json has {indexLength} bytes, more than the {ImageLimits.MaxDocumentBytes} bytes a document may have");
        var raw = ReadAll(OciLayoutFiles.IndexFile, indexLength.Value);
        Index = OciDocument<ImageIndex>.Parse(raw, $"'{root}': index.json");
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
    public bool Contains(Digest digest) => _files.Length(OciLayoutFiles.BlobPath(digest)) is not null;

    /// <summary>
    /// Opens the blob <paramref name="descriptor"/> names for streaming: CHB2003 when it is missing, CHB2004 when its length is not the
    /// descriptor's size. The stream ends at that size; its bytes are not verified (the caller hashes what it reads).
    /// </summary>
    public Stream OpenBlob(Descriptor descriptor)
    {
        var path = OciLayoutFiles.BlobPath(descriptor.Digest);
        var length = _files.Length(path) ?? throw Missing(descriptor.Digest);
        if (length != descriptor.Size)
        {
            throw new ChunkedBuildException(ErrorCodes.DigestMismatch,
                $"blob {descriptor.Digest} in the layout '{_root}' has {length} bytes, its descriptor says {descriptor.Size} (blobs are regular files of exactly that size)");
        }
        return _files.Open(path, length);
    }

    /// <summary>
    /// Reads a whole document blob (manifest, index, config) and checks it against <paramref name="descriptor"/>: CHB2009 when the
    /// descriptor's size is over <see cref="ImageLimits.MaxDocumentBytes"/>, CHB2004 when the length or digest differ.
    /// </summary>
    public byte[] ReadBlob(Descriptor descriptor)
    {
        if (descriptor.Size > ImageLimits.MaxDocumentBytes)
        {
            throw new ChunkedBuildException(ErrorCodes.ImageLimitExceeded,
                $"blob {descriptor.Digest} in the layout '{_root}' is {descriptor.Size} bytes, more than the {ImageLimits.MaxDocumentBytes} bytes a document may have");
        }
        byte[] bytes;
        using (var stream = OpenBlob(descriptor)) bytes = ReadToEnd(stream, descriptor.Size);
        return Verified(descriptor.Digest, bytes);
    }

    /// <summary>Reads a whole blob of any size (the length on disk) and checks its digest (CHB2004 on a mismatch).</summary>
    public byte[] ReadBlob(Digest digest)
    {
        var path = OciLayoutFiles.BlobPath(digest);
        var length = _files.Length(path) ?? throw Missing(digest);
        return Verified(digest, ReadAll(path, length));
    }

    /// <summary>Reads and parses a manifest or index blob named by <paramref name="descriptor"/> (CHB2005 when it is not one).</summary>
    public OciDocument<T> ReadDocument<T>(Descriptor descriptor) =>
        OciDocument<T>.Parse(ReadBlob(descriptor), $"'{_root}': {descriptor.Digest}");

    private byte[] ReadAll(string relative, long length)
    {
        using var stream = _files.Open(relative, length);
        return ReadToEnd(stream, length);
    }

    private static byte[] ReadToEnd(Stream stream, long length)
    {
        var buffer = new MemoryStream(length is > 0 and <= ImageLimits.MaxDocumentBytes ? (int)length : 0);
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private byte[] Verified(Digest digest, byte[] bytes)
    {
        var actual = Digest.Sha256Of(bytes);
        return actual == digest ? bytes
            : throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"blob {digest} in the layout '{_root}' hashes to {actual}");
    }

    private ChunkedBuildException Missing(Digest digest) =>
        new(ErrorCodes.BlobMissing, $"blob {digest} is missing from the layout '{_root}'");
}
