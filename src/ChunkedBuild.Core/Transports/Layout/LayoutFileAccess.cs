using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;

namespace ChunkedBuild.Core.Transports.Layout;

/// <summary>
/// Read access to the files of an OCI layout, as a folder or a tar of one, under one rule: a file is read only when it is a regular
/// file of the layout, and never past the length it is expected to have.
/// <list type="bullet">
/// <item>Folder: a symbolic link (the file itself or a folder on its path) is followed only when it resolves inside the layout folder
/// (layouts that share blobs between their own files keep working); a link that leads outside it (<c>/etc/passwd</c>, <c>/dev/zero</c>)
/// or loops is CHB2008. A file is opened only when its length on disk is the expected length, and a zero length is never opened: FIFOs,
/// sockets and devices report a length of 0, so they are refused (or, for a zero-size descriptor, read as the empty blob they claim to be)
/// without an open that could block or never end. Reads stop at the expected length even if the file grows.</item>
/// <item>Tar: only regular-file entries exist (links, FIFOs and devices in the archive are ignored); an entry is read as its byte range.</item>
/// </list>
/// </summary>
internal abstract class LayoutFileAccess
{
    /// <summary>Access to the layout at <paramref name="path"/>: a folder, or a tar file (CHB9002 when neither exists).</summary>
    public static LayoutFileAccess Open(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return new Folder(full);
        if (File.Exists(full)) return new Tar(TarArchiveIndex.Open(full));
        throw new ChunkedBuildException(ErrorCodes.IoError, $"'{path}' does not exist");
    }

    /// <summary>The length of the file at <paramref name="relative"/> ('/'-separated), or null when there is none (CHB2008 when refused).</summary>
    public abstract long? Length(string relative);

    /// <summary>
    /// Opens the file at <paramref name="relative"/>, whose length <see cref="Length"/> returned as <paramref name="length"/>, as a stream of
    /// exactly that many bytes at most.
    /// </summary>
    public abstract Stream Open(string relative, long length);

    private sealed class Folder(string root) : LayoutFileAccess
    {
        private readonly string _resolvedRoot = ContainedPath.ResolveRoot(root);

        public override long? Length(string relative)
        {
            var file = new FileInfo(Resolve(relative));
            return file.Exists ? file.Length : null;
        }

        public override Stream Open(string relative, long length)
        {
            var path = Resolve(relative);
            if (length == 0) return new MemoryStream([], writable: false);
            var onDisk = new FileInfo(path);
            if (!onDisk.Exists || onDisk.Length != length)
                throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"'{relative}' in the layout '{root}' changed while it was read (its length is no longer {length})");
            try
            {
                return new RangeReadStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), 0, length, ownsInner: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot read '{relative}' in the layout '{root}': {e.Message}", innerException: e);
            }
        }

        private string Resolve(string relative)
        {
            var resolution = ContainedPath.Resolve(_resolvedRoot, relative);
            return resolution.Refusal is null ? resolution.Path! : throw new ChunkedBuildException(ErrorCodes.LayoutFileRefused, $"the layout '{root}' is refused: {resolution.Refusal}");
        }
    }

    private sealed class Tar(TarArchiveIndex archive) : LayoutFileAccess
    {
        public override long? Length(string relative) => archive.LengthOf(relative);

        public override Stream Open(string relative, long length) => archive.OpenEntry(relative);
    }
}
