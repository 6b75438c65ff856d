using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports.Layout;

/// <summary>
/// Writes an OCI image layout atomically: everything is staged in the run's <see cref="ScratchFolder"/> beside the target, and
/// <see cref="Commit"/> makes it visible. An existing layout keeps what it holds (<see cref="OciLayoutMerge"/>: only the tags written are
/// replaced, other tags, referrers and the blobs they use stay); with <c>replace</c> the target is replaced whole. Disposing without
/// committing removes the staging, so a failed conversion leaves no half-written layout, and a killed one leaves a scratch folder the next
/// run removes. Blobs are written once (an existing blob is skipped) and verified against their digests.
/// </summary>
public sealed class OciLayoutWriter : IDisposable
{
    private readonly string? _target;
    private readonly bool _replace;
    private readonly ScratchFolder? _scratch;
    private readonly string _staging;
    private readonly List<Descriptor> _entries = [];
    private bool _committed;

    /// <summary>
    /// Starts a layout that will appear at <paramref name="target"/> when committed: merged into the layout already there, or with
    /// <paramref name="replace"/> replacing it.
    /// </summary>
    /// <exception cref="ChunkedBuildException">CHB9001 when the target is a file, or a folder with other content than a layout.</exception>
    public OciLayoutWriter(string target, bool replace = false)
    {
        _target = Path.GetFullPath(target);
        _replace = replace;
        var parent = Path.GetDirectoryName(_target) ?? throw new ArgumentException("no parent folder", nameof(target));
        if (File.Exists(_target))
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"'{target}' is a file; an OCI layout destination must be a folder (or use oci-archive:)");
        if (Directory.Exists(_target) && Directory.EnumerateFileSystemEntries(_target).Any() && !File.Exists(Path.Combine(_target, OciLayoutFiles.LayoutFile)))
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"'{target}' is a folder with other content; it will not be replaced by an OCI layout");
        _scratch = ScratchFolder.Create(parent);
        _staging = Path.Combine(_scratch.Path, "layout");
        Directory.CreateDirectory(Path.Combine(_staging, OciLayoutFiles.BlobsFolder, Digest.Sha256Algorithm));
    }

    private OciLayoutWriter(string staging)
    {
        _staging = staging;
        Directory.CreateDirectory(Path.Combine(_staging, OciLayoutFiles.BlobsFolder, Digest.Sha256Algorithm));
    }

    /// <summary>A writer that only stages a layout in <paramref name="folder"/> (its owner packages it; <see cref="Commit"/> is not available).</summary>
    internal static OciLayoutWriter StagingOnly(string folder) => new(folder);

    /// <summary>Writes a blob from a stream, verifying that it hashes to <paramref name="digest"/> (CHB2004 otherwise).</summary>
    public void WriteBlob(Digest digest, Stream content, long? expectedSize = null)
    {
        var path = Path.Combine(_staging, OciLayoutFiles.BlobPath(digest));
        if (File.Exists(path)) return;
        var temp = path + ".part";
        Digest actual;
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var hashing = new HashingReadStream(content, ownsInner: false))
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
    /// Adds a copy of a file already known to hash to <paramref name="digest"/> while its <see cref="FileFingerprint"/> is
    /// <paramref name="fingerprint"/> (e.g. a checked cache entry). The copy is the kernel's (a reflink where the file system has them, else
    /// <c>copy_file_range</c>), never a hard link: nothing done to the layout can reach the file. When the file's fingerprint after the copy is
    /// not <paramref name="fingerprint"/> (or there is none), the copy is hashed instead of trusted.
    /// </summary>
    public void CopyVerifiedFile(Digest digest, string file, long size, string? fingerprint)
    {
        var path = Path.Combine(_staging, OciLayoutFiles.BlobPath(digest));
        if (File.Exists(path)) return;
        var part = path + ".part";
        File.Copy(file, part, overwrite: true);
        if (fingerprint is null || FileFingerprint.Of(file) != fingerprint)
        {
            using var copy = new FileStream(part, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var (length, actual) = (copy.Length, Digest.Sha256Of(copy));
            if (actual != digest || length != size)
            {
                copy.Dispose();
                File.Delete(part);
                throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"blob {digest} copied from '{file}' hashes to {actual} ({length} bytes; the descriptor says {size})");
            }
        }
        else if (new FileInfo(part).Length != size)
        {
            File.Delete(part);
            throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"blob {digest} in '{file}' does not have the {size} bytes its descriptor says");
        }
        File.Move(part, path);
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

    /// <summary>Adds an entry to the top-level index, named <paramref name="reference"/> when given (a valid tag, <see cref="ImageTag"/>).</summary>
    /// <exception cref="ChunkedBuildException">CHB9001 for a reference that is not a valid tag.</exception>
    public void AddToIndex(Descriptor descriptor, string? reference)
    {
        if (reference is not null) ImageTag.Validate(reference);
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (descriptor.Annotations is not null)
            foreach (var (k, v) in descriptor.Annotations) annotations[k] = v;
        if (reference is not null) annotations[OciLayoutFiles.RefNameAnnotation] = reference;
        _entries.Add(descriptor with { Annotations = annotations.Count == 0 ? null : annotations });
    }

    /// <summary>The index entries added so far.</summary>
    internal IReadOnlyList<Descriptor> Entries => _entries;

    /// <summary>Writes <c>oci-layout</c> and <c>index.json</c> into the staging folder (for callers that package it themselves).</summary>
    public void FinishStaging() => FinishStaging(_entries);

    /// <summary>Writes <c>oci-layout</c> and an <c>index.json</c> of <paramref name="entries"/> (e.g. merged with an archive's) into the staging folder.</summary>
    internal void FinishStaging(IReadOnlyList<Descriptor> entries)
    {
        File.WriteAllText(Path.Combine(_staging, OciLayoutFiles.LayoutFile), OciLayoutFiles.LayoutContent);
        var index = OciDocument<ImageIndex>.Create(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = entries });
        File.WriteAllBytes(Path.Combine(_staging, OciLayoutFiles.IndexFile), index.Raw.ToArray());
    }

    /// <summary>
    /// Makes the layout visible: moves it into place when the target does not exist (or is to be replaced), else merges it into the
    /// layout there (<see cref="OciLayoutMerge"/>).
    /// </summary>
    public void Commit(CancellationToken cancellationToken = default)
    {
        if (_target is null || _scratch is null) throw new InvalidOperationException("a staging-only layout writer cannot commit");
        FinishStaging();
        if (_replace && Directory.Exists(_target))
        {
            var old = Path.Combine(_scratch.Path, "replaced");
            Directory.Move(_target, old);
            Directory.Move(_staging, _target);
            Directory.Delete(old, recursive: true);
        }
        else if (!TryMoveIntoPlace())
        {
            OciLayoutMerge.Commit(_target, _staging, _entries, _scratch, cancellationToken);
        }
        _committed = true;
    }

    /// <summary>Moves the staged layout to the target when nothing is there yet; false when something is (another run may have just created it).</summary>
    private bool TryMoveIntoPlace()
    {
        if (Directory.Exists(_target)) return false;
        try
        {
            Directory.Move(_staging, _target!);
            return true;
        }
        catch (IOException) when (Directory.Exists(_target))
        {
            return false;
        }
    }

    /// <summary>Removes the staging (and the run's scratch folder) whether or not the layout was committed.</summary>
    public void Dispose()
    {
        if (_scratch is not null) _scratch.Dispose();
        else if (!_committed && Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true);
    }
}
