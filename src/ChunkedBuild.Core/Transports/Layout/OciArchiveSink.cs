using System.Formats.Tar;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports.Layout;

/// <summary>
/// An <see cref="IImageSink"/> writing an OCI image layout as one tar file (<c>oci-archive:</c>), readable by skopeo and
/// <c>docker load</c>-compatible tools that accept OCI archives. The layout is staged in the run's scratch folder beside the target, packed
/// into a temporary file there, and renamed onto the target on commit. A file already there is refused (CHB9001; it stays untouched), replaced
/// (<c>--replace</c>), or, for an in-place conversion, merged: what it holds is kept and the run's tags applied, as in a layout folder
/// (<see cref="ExistingArchive"/>). The tar is deterministic: ustar entries (PAX only where ustar cannot hold a blob over 8 GiB or a
/// time after 2242), sorted, owner 0:0, fixed modes, and every modification time set to <see cref="ArchiveTime"/>.
/// </summary>
public sealed class OciArchiveSink : IImageSink
{
    /// <summary>The largest size or time a ustar header holds (11 octal digits); beyond it an entry needs a PAX header.</summary>
    private const long MaxUstarNumber = (1L << 33) - 1;

    private readonly string _target;
    private readonly ExistingArchive _existing;
    private readonly ScratchFolder _scratch;
    private readonly OciLayoutSink _staged;
    private readonly OciLayoutWriter _writer;

    /// <summary>Prepares a sink that will (on commit) write <paramref name="path"/>.</summary>
    /// <param name="path">The archive file to write.</param>
    /// <param name="displayName">Name for messages.</param>
    /// <param name="archiveTime">The modification time of every tar entry (SOURCE_DATE_EPOCH; the Unix epoch by default).</param>
    /// <param name="existing">What to do with a file already at <paramref name="path"/>.</param>
    /// <exception cref="ChunkedBuildException">CHB9001 when <paramref name="path"/> is a folder, or an existing file to refuse.</exception>
    public OciArchiveSink(string path, string displayName, DateTimeOffset archiveTime, ExistingArchive existing = ExistingArchive.Refuse)
    {
        _target = Path.GetFullPath(path);
        _existing = existing;
        if (Directory.Exists(_target)) throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"'{path}' is a folder; an oci-archive destination must be a file");
        if (existing == ExistingArchive.Refuse && File.Exists(_target)) throw Exists(path);
        _scratch = ScratchFolder.Create(Path.GetDirectoryName(_target)!);
        _writer = OciLayoutWriter.StagingOnly(Path.Combine(_scratch.Path, "layout"));
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
        if (_existing == ExistingArchive.Merge && IsOciArchive(_target))
            _writer.FinishStaging(OciLayoutMerge.KeepFromArchive(_target, _writer, _writer.Entries, cancellationToken));
        else
            _writer.FinishStaging();
        var root = _writer.StagingPath;
        var temp = _scratch.NewPath("archive", ".tar");
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        await using (var tar = new TarWriter(file, TarEntryFormat.Ustar, leaveOpen: false))
        {
            foreach (var (relative, isDirectory) in Entries(root))
            {
                await using var content = isDirectory ? null : new FileStream(Path.Combine(root, relative), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                var type = isDirectory ? TarEntryType.Directory : TarEntryType.RegularFile;
                var name = relative + (isDirectory ? "/" : "");
                // ustar whenever it can hold the entry: a PAX entry's extended header is named after the writing process's id
                // (System.Formats.Tar), so the archive's bytes would differ from run to run.
                TarEntry entry = content is { Length: > MaxUstarNumber } || ArchiveTime.ToUnixTimeSeconds() > MaxUstarNumber
                    ? new PaxTarEntry(type, name)
                    : new UstarTarEntry(type, name);
                entry.ModificationTime = ArchiveTime;
                entry.Mode = isDirectory
                    ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                    : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                entry.Uid = 0;
                entry.Gid = 0;
                if (content is not null) entry.DataStream = content;
                await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // Without overwrite the move refuses a file that appeared since the sink was opened.
            File.Move(temp, _target, overwrite: _existing != ExistingArchive.Refuse);
        }
        catch (IOException) when (_existing == ExistingArchive.Refuse && File.Exists(_target))
        {
            throw Exists(_target);
        }
    }

    private static bool IsOciArchive(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            return TarArchiveIndex.Open(path).Contains(OciLayoutFiles.LayoutFile);
        }
        catch (ChunkedBuildException)
        {
            return false;
        }
    }

    private static ChunkedBuildException Exists(string path) =>
        new(ErrorCodes.InvalidOption, $"'{path}' already exists; an oci-archive destination is not overwritten unless asked (--replace)");

    /// <summary>Every folder and file under <paramref name="root"/>, folders before their content, ordinal order: a stable tar.</summary>
    private static IEnumerable<(string Relative, bool IsDirectory)> Entries(string root)
    {
        var all = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => (Relative: Path.GetRelativePath(root, p).Replace('\\', '/'), IsDirectory: Directory.Exists(p)))
            .OrderBy(e => e.Relative, StringComparer.Ordinal);
        return all;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _staged.DisposeAsync().ConfigureAwait(false);
        _scratch.Dispose();
    }
}
