using System.Formats.Tar;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;

namespace ChunkedBuild.Core.Transports;

/// <summary>
/// The regular-file entries of an outer image archive (an OCI-layout tar or a <c>docker load</c> tar) with where their
/// data sits, so blobs are read as byte ranges of the file without extracting anything. The .NET SDK writes shared
/// base layers twice under the same name (multi-RID archives): duplicates of equal length are one entry; duplicates
/// that differ are a CHB2005 error. The outer archive is not a layer, so System.Formats.Tar reads it.
/// </summary>
public sealed class TarArchiveIndex
{
    private readonly string _path;
    private readonly Dictionary<string, (long Offset, long Length)> _entries;

    private TarArchiveIndex(string path, Dictionary<string, (long, long)> entries)
    {
        _path = path;
        _entries = entries;
    }

    /// <summary>
    /// Scans the archive at <paramref name="path"/> once. A compressed file (gzip, zstd, bzip2, xz: e.g. <c>docker save | gzip</c>) is a
    /// CHB2001 error saying so (image archives are read uncompressed, by byte ranges); any other file that is not a readable tar is CHB2001
    /// naming the byte where reading stopped.
    /// </summary>
    public static TarArchiveIndex Open(string path)
    {
        var entries = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        FileStream? file = null;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (CompressionOf(file) is { } compression)
            {
                throw new ChunkedBuildException(ErrorCodes.NotAnImage,
                    $"'{path}' is {compression}-compressed; image archives are read as plain tar files, so decompress it first (for gzip: gunzip --keep, or zcat FILE > image.tar)");
            }
            using var reader = new TarReader(file, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                var name = Normalize(entry.Name);
                var location = (entry.DataOffset, entry.Length);
                if (entry.DataOffset < 0 || entry.Length < 0 || entry.DataOffset + entry.Length > file.Length)
                    throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"the archive '{path}' is truncated inside '{name}'", entry: name);
                if (entries.TryGetValue(name, out var earlier) && earlier.Item2 != entry.Length)
                    throw new ChunkedBuildException(ErrorCodes.MalformedDocument,
                        $"the archive '{path}' holds '{name}' twice with different lengths ({earlier.Item2} and {entry.Length})", entry: name);
                entries.TryAdd(name, location);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not EndOfStreamException and not InvalidDataException)
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot read the archive '{path}': {e.Message}", innerException: e);
        }
        catch (Exception e) when (e is not ChunkedBuildException and not OperationCanceledException and not OutOfMemoryException)
        {
            // System.Formats.Tar's messages ("Unable to parse number.") say nothing to a user: name the file and where reading stopped.
            var at = file is { CanSeek: true } ? $" (reading stopped near byte {file.Position})" : "";
            throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"'{path}' is not a readable tar archive: a header is invalid or the file is not a tar at all{at}", innerException: e);
        }
        finally
        {
            file?.Dispose();
        }
        return new TarArchiveIndex(path, entries);
    }

    /// <summary>The compression a file starts with (by magic number), or null; the stream is left at its start.</summary>
    private static string? CompressionOf(FileStream file)
    {
        Span<byte> head = stackalloc byte[6];
        var n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = 0;
        head = head[..n];
        return head switch
        {
            [0x1f, 0x8b, ..] => "gzip",
            [0x28, 0xb5, 0x2f, 0xfd, ..] => "zstd",
            [(byte)'B', (byte)'Z', (byte)'h', ..] => "bzip2",
            [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00] => "xz",
            _ => null,
        };
    }

    /// <summary>The entry names (without a leading <c>./</c>).</summary>
    public IReadOnlyCollection<string> Names => _entries.Keys;

    /// <summary>True when the archive has a regular file called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _entries.ContainsKey(Normalize(name));

    /// <summary>The length of the regular file called <paramref name="name"/>, or null when the archive has none.</summary>
    public long? LengthOf(string name) => _entries.TryGetValue(Normalize(name), out var at) ? at.Length : null;

    /// <summary>Opens an entry's data as its own read-only stream (safe to use from several threads at once).</summary>
    public Stream OpenEntry(string name) =>
        _entries.TryGetValue(Normalize(name), out var at)
            ? new RangeReadStream(new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), at.Offset, at.Length, ownsInner: true)
            : throw new ChunkedBuildException(ErrorCodes.BlobMissing, $"the archive '{_path}' has no entry '{name}'", entry: name);

    private static string Normalize(string name) => name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;
}
