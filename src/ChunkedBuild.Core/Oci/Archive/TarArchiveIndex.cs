using System.Formats.Tar;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;

namespace ChunkedBuild.Core.Oci.Archive;

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

    /// <summary>Scans the archive at <paramref name="path"/> once; an unreadable archive is a CHB2001 error.</summary>
    public static TarArchiveIndex Open(string path)
    {
        var entries = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new TarReader(file, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                var name = Normalize(entry.Name);
                var location = (entry.DataOffset, entry.Length);
                if (entry.DataOffset < 0 || entry.DataOffset + entry.Length > file.Length)
                    throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"the archive '{path}' is truncated inside '{name}'", entry: name);
                if (entries.TryGetValue(name, out var earlier) && earlier.Item2 != entry.Length)
                    throw new ChunkedBuildException(ErrorCodes.MalformedDocument,
                        $"the archive '{path}' holds '{name}' twice with different lengths ({earlier.Item2} and {entry.Length})", entry: name);
                entries.TryAdd(name, location);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            throw new ChunkedBuildException(ErrorCodes.NotAnImage, $"'{path}' is not a readable tar archive: {e.Message}", innerException: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not FileNotFoundException)
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot read the archive '{path}': {e.Message}", innerException: e);
        }
        return new TarArchiveIndex(path, entries);
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
