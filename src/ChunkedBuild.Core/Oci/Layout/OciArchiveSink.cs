using System.Formats.Tar;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci.Transport;

namespace ChunkedBuild.Core.Oci.Layout;

/// <summary>
/// An <see cref="IImageSink"/> writing an OCI image layout as one tar file (<c>oci-archive:</c>), readable by skopeo and
/// <c>docker load</c>-compatible tools that accept OCI archives. The layout is staged in a hidden folder, packed into a hidden
/// temporary file, and renamed onto the target on commit. The tar is deterministic: sorted entries, owner 0:0, fixed modes, and every
/// modification time set to <see cref="ArchiveTime"/>.
/// </summary>
public sealed class OciArchiveSink : IImageSink
{
    private readonly string _target;
    private readonly OciLayoutSink _staged;
    private readonly OciLayoutWriter _writer;

    /// <summary>Prepares a sink that will (on commit) write <paramref name="path"/>.</summary>
    /// <param name="path">The archive file to write.</param>
    /// <param name="displayName">Name for messages.</param>
    /// <param name="archiveTime">The modification time of every tar entry (SOURCE_DATE_EPOCH; the Unix epoch by default).</param>
    public OciArchiveSink(string path, string displayName, DateTimeOffset archiveTime)
    {
        _target = Path.GetFullPath(path);
        if (Directory.Exists(_target)) throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"'{path}' is a folder; an oci-archive destination must be a file");
        var stagingRoot = Path.Combine(Path.GetDirectoryName(_target)!, $".{Path.GetFileName(_target)}.{Guid.NewGuid():N}.layout");
        _writer = new OciLayoutWriter(stagingRoot);
        _staged = new OciLayoutSink(_writer, displayName);
        DisplayName = displayName;
        ArchiveTime = archiveTime;
    }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <summary>The modification time written for every entry.</summary>
    public DateTimeOffset ArchiveTime { get; }

    /// <inheritdoc />
    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default) => _staged.HasBlobAsync(descriptor, cancellationToken);

    /// <inheritdoc />
    public Task WriteBlobAsync(Descriptor descriptor, BlobContent content, CancellationToken cancellationToken = default) =>
        _staged.WriteBlobAsync(descriptor, content, cancellationToken);

    /// <inheritdoc />
    public Task WriteManifestAsync(Descriptor descriptor, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken = default) =>
        _staged.WriteManifestAsync(descriptor, raw, cancellationToken);

    /// <inheritdoc />
    public Task TagAsync(Descriptor descriptor, string tag, CancellationToken cancellationToken = default) => _staged.TagAsync(descriptor, tag, cancellationToken);

    /// <inheritdoc />
    public Task AddReferrerAsync(Descriptor artifact, CancellationToken cancellationToken = default) => _staged.AddReferrerAsync(artifact, cancellationToken);

    /// <inheritdoc />
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        _writer.FinishStaging();
        var root = _writer.StagingPath;
        var temp = Path.Combine(Path.GetDirectoryName(_target)!, $".{Path.GetFileName(_target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            await using (var tar = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: false))
            {
                foreach (var (relative, isDirectory) in Entries(root))
                {
                    var entry = new PaxTarEntry(isDirectory ? TarEntryType.Directory : TarEntryType.RegularFile, relative + (isDirectory ? "/" : ""))
                    {
                        ModificationTime = ArchiveTime,
                        Mode = isDirectory
                            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                            : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                        Uid = 0,
                        Gid = 0,
                    };
                    await using var content = isDirectory ? null : new FileStream(Path.Combine(root, relative), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                    if (content is not null) entry.DataStream = content;
                    await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                }
            }
            File.Move(temp, _target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Every folder and file under <paramref name="root"/>, folders before their content, ordinal order: a stable tar.</summary>
    private static IEnumerable<(string Relative, bool IsDirectory)> Entries(string root)
    {
        var all = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => (Relative: Path.GetRelativePath(root, p).Replace('\\', '/'), IsDirectory: Directory.Exists(p)))
            .OrderBy(e => e.Relative, StringComparer.Ordinal);
        return all;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _staged.DisposeAsync().ConfigureAwait(false);
}
