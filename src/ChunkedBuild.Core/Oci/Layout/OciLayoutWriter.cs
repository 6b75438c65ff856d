using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Oci.Layout;

/// <summary>
/// Writes an OCI image layout atomically: everything goes into a hidden sibling folder, and <see cref="Commit"/> moves
/// it into place (replacing an earlier layout); disposing without committing removes it, so a failed conversion leaves
/// no half-written layout. Blobs are written once (an existing blob is skipped) and verified against their digests.
/// </summary>
public sealed class OciLayoutWriter : IDisposable
{
    private readonly string _target;
    private readonly string _staging;
    private readonly List<Descriptor> _entries = [];
    private bool _committed;

    /// <summary>Starts a layout that will appear at <paramref name="target"/> when committed.</summary>
    public OciLayoutWriter(string target)
    {
        _target = Path.GetFullPath(target);
        var parent = Path.GetDirectoryName(_target) ?? throw new ArgumentException("no parent folder", nameof(target));
        if (File.Exists(_target))
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"'{target}' is a file; an OCI layout destination must be a folder (or use oci-archive:)");
        if (Directory.Exists(_target) && Directory.EnumerateFileSystemEntries(_target).Any() && !File.Exists(Path.Combine(_target, OciLayoutFiles.LayoutFile)))
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"'{target}' is a folder with other content; it will not be replaced by an OCI layout");
        Directory.CreateDirectory(parent);
        _staging = Path.Combine(parent, $".{Path.GetFileName(_target)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(Path.Combine(_staging, OciLayoutFiles.BlobsFolder, Digest.Sha256Algorithm));
    }

    /// <summary>Writes a blob from a stream, verifying that it hashes to <paramref name="digest"/> (CHB2004 otherwise).</summary>
    public void WriteBlob(Digest digest, Stream content, long? expectedSize = null)
    {
        var path = Path.Combine(_staging, OciLayoutFiles.BlobPath(digest));
        if (File.Exists(path)) return;
        var temp = path + ".part";
        Digest actual;
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var hashing = new IO.HashingReadStream(content, ownsInner: false))
        {
            hashing.CopyTo(file);
            actual = Digest.FromSha256Bytes(hashing.CurrentHash());
        }
        if (actual != digest)
        {
            File.Delete(temp);
            throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"blob content hashes to {actual}, expected {digest}");
        }
        var length = new FileInfo(temp).Length;
        if (expectedSize is { } size && length != size)
        {
            File.Delete(temp);
            throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"blob {digest} has {length} bytes, its descriptor says {size}");
        }
        File.Move(temp, path);
    }

    /// <summary>
    /// Adds a file already known to hash to <paramref name="digest"/> (its writer hashed it): hard-linked when the file system allows,
    /// else copied with the kernel's file copy; only its size is checked again. Blobs are immutable, so sharing the inode is safe.
    /// </summary>
    public void CopyVerifiedFile(Digest digest, string file, long size)
    {
        var path = Path.Combine(_staging, OciLayoutFiles.BlobPath(digest));
        if (File.Exists(path)) return;
        var length = new FileInfo(file).Length;
        if (length != size) throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"blob {digest} in '{file}' has {length} bytes, its descriptor says {size}");
        if (File.Exists(path + ".part")) File.Delete(path + ".part");
        IO.FileLinks.LinkOrCopy(file, path + ".part");
        File.Move(path + ".part", path);
    }

    /// <summary>Whether the staged layout already holds the blob.</summary>
    public bool Contains(Digest digest) => File.Exists(Path.Combine(_staging, OciLayoutFiles.BlobPath(digest)));

    /// <summary>The staging folder (for callers that package the layout differently, e.g. as a tar).</summary>
    public string StagingPath => _staging;

    /// <summary>Writes a small blob (a manifest or config) and returns its digest.</summary>
    public Digest WriteBlob(ReadOnlySpan<byte> content)
    {
        var digest = Digest.Sha256Of(content);
        using var stream = new MemoryStream(content.ToArray());
        WriteBlob(digest, stream);
        return digest;
    }

    /// <summary>Adds an entry to the top-level index, named <paramref name="reference"/> when given.</summary>
    public void AddToIndex(Descriptor descriptor, string? reference)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (descriptor.Annotations is not null)
            foreach (var (k, v) in descriptor.Annotations) annotations[k] = v;
        if (reference is not null) annotations[OciLayoutFiles.RefNameAnnotation] = reference;
        _entries.Add(descriptor with { Annotations = annotations.Count == 0 ? null : annotations });
    }

    /// <summary>Writes <c>oci-layout</c> and <c>index.json</c> into the staging folder (for callers that package it themselves).</summary>
    public void FinishStaging()
    {
        File.WriteAllText(Path.Combine(_staging, OciLayoutFiles.LayoutFile), OciLayoutFiles.LayoutContent);
        var index = OciDocument<ImageIndex>.Create(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = _entries });
        File.WriteAllBytes(Path.Combine(_staging, OciLayoutFiles.IndexFile), index.Raw.ToArray());
    }

    /// <summary>Writes <c>oci-layout</c> and <c>index.json</c> and moves the layout into place.</summary>
    public void Commit()
    {
        FinishStaging();
        if (Directory.Exists(_target))
        {
            var old = _staging + ".old";
            Directory.Move(_target, old);
            Directory.Move(_staging, _target);
            Directory.Delete(old, recursive: true);
        }
        else
        {
            Directory.Move(_staging, _target);
        }
        _committed = true;
    }

    /// <summary>Removes the staging folder unless the layout was committed.</summary>
    public void Dispose()
    {
        if (!_committed && Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true);
    }
}
