using System.Formats.Tar;
using System.Text.Json;

namespace ChunkedBuild.Testing.Images;

/// <summary>One entry of an image archive tar, in write order.</summary>
/// <param name="Name">The entry name.</param>
/// <param name="Type">The entry type.</param>
/// <param name="Content">The entry's data (empty for non-files).</param>
public sealed record ImageArchiveEntry(string Name, TarEntryType Type, byte[] Content);

/// <summary>
/// Every entry of an image archive tar (OCI layout tar or <c>docker load</c> tar), read with System.Formats.Tar — an
/// independent view for assertions about what the SDK or skopeo wrote. Duplicate names are kept in order.
/// </summary>
public sealed class ImageArchive
{
    private ImageArchive(IReadOnlyList<ImageArchiveEntry> entries) => Entries = entries;

    /// <summary>The entries in write order (duplicates included).</summary>
    public IReadOnlyList<ImageArchiveEntry> Entries { get; }

    /// <summary>Reads <paramref name="path"/> fully.</summary>
    public static ImageArchive Read(string path)
    {
        var entries = new List<ImageArchiveEntry>();
        using var file = File.OpenRead(path);
        using var reader = new TarReader(file);
        while (reader.GetNextEntry() is { } entry)
        {
            var content = Array.Empty<byte>();
            if (entry.DataStream is { } data)
            {
                using var buffer = new MemoryStream();
                data.CopyTo(buffer);
                content = buffer.ToArray();
            }
            entries.Add(new ImageArchiveEntry(entry.Name, entry.EntryType, content));
        }
        return new ImageArchive(entries);
    }

    /// <summary>The content of the last entry named <paramref name="name"/>; throws when absent.</summary>
    public byte[] Content(string name) =>
        Entries.LastOrDefault(e => e.Name == name)?.Content ?? throw new KeyNotFoundException($"no entry '{name}' in the archive");

    /// <summary>Parses the entry <paramref name="name"/> as JSON.</summary>
    public JsonDocument Json(string name) => JsonDocument.Parse(Content(name));

    /// <summary>Parses the OCI blob <paramref name="digest"/> (<c>sha256:&lt;hex&gt;</c>) as JSON.</summary>
    public JsonDocument Blob(string digest) => Json("blobs/sha256/" + digest["sha256:".Length..]);

    /// <summary>Names that occur more than once.</summary>
    public IReadOnlyList<string> DuplicateNames =>
        Entries.GroupBy(e => e.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
}
