using System.Text.Json;
using System.Text.Json.Nodes;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports.Layout;

/// <summary>
/// Merges what a run wrote into a layout that already holds images, without losing what is there: an entry whose tag is written again is
/// replaced in place, every other tag, untagged image and referrer stays, new tags are appended; referrers whose subject is no longer in
/// the layout are dropped; blobs that only the replaced entries used go, blobs anything still references stay. A folder (<see cref="Commit"/>)
/// is updated in place under an exclusive lock on its <c>oci-layout</c> file, so concurrent commits into one layout apply one after the
/// other (staged blobs moved in, then <c>index.json</c> replaced by rename, then the orphans deleted); an archive being converted in place
/// (<see cref="KeepFromArchive"/>) has what it keeps copied into the new archive's staging.
/// </summary>
internal static class OciLayoutMerge
{
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Merges <paramref name="staging"/> (its blobs, and <paramref name="entries"/> as index entries) into the folder <paramref name="target"/>.</summary>
    public static void Commit(string target, string staging, IReadOnlyList<Descriptor> entries, ScratchFolder scratch, CancellationToken cancellationToken)
    {
        using var layoutLock = Lock(Path.Combine(target, OciLayoutFiles.LayoutFile), cancellationToken);
        var indexPath = Path.Combine(target, OciLayoutFiles.IndexFile);
        var files = LayoutFileAccess.Open(target);
        var old = files.Length(OciLayoutFiles.IndexFile) is { } indexLength ? ReadIndex(() => ReadBounded(files, OciLayoutFiles.IndexFile, indexLength), target) : [];
        var read = Reader(d => files.Length(OciLayoutFiles.BlobPath(d.Digest)) == d.Size ? ReadBounded(files, OciLayoutFiles.BlobPath(d.Digest), d.Size) : null);

        MoveBlobs(staging, target);
        var merged = PruneReferrers(read, Merge(old, entries));
        var index = OciDocument<ImageIndex>.Create(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = merged });
        var temp = scratch.NewPath("index", ".json");
        File.WriteAllBytes(temp, index.Raw.ToArray());
        File.Move(temp, indexPath, overwrite: true);

        var stillUsed = Closure(read, merged);
        foreach (var orphan in Closure(read, old).Keys.Except(stillUsed.Keys))
        {
            try { File.Delete(Path.Combine(target, OciLayoutFiles.BlobPath(orphan))); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* an unreferenced blob left behind is harmless */ }
        }
    }

    /// <summary>
    /// For an archive converted in place: the index entries of the new archive (the archive's entries with <paramref name="entries"/>
    /// applied), after copying into <paramref name="staging"/> every blob the entries it keeps still need.
    /// </summary>
    public static List<Descriptor> KeepFromArchive(string archive, OciLayoutWriter staging, IReadOnlyList<Descriptor> entries, CancellationToken cancellationToken)
    {
        var existing = new OciLayoutReader(archive);
        var read = Reader(d => staging.Contains(d.Digest) ? File.ReadAllBytes(Path.Combine(staging.StagingPath, OciLayoutFiles.BlobPath(d.Digest))) : existing.ReadBlob(d));
        var merged = PruneReferrers(read, Merge(existing.Index.Value.Manifests, entries));
        foreach (var (digest, descriptor) in Closure(read, merged).Where(d => !staging.Contains(d.Key)).OrderBy(d => d.Key.ToString(), StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!existing.Contains(digest)) continue; // a blob the archive never had stays missing, as it was
            using var blob = existing.OpenBlob(descriptor); // bounded by its descriptor's size (CHB2004 when the archive's entry differs)
            staging.WriteBlob(digest, blob);
        }
        return merged;
    }

    /// <summary>The current entries with ours applied: a written tag replaces the entry of that tag (at its place), a written untagged entry its duplicate.</summary>
    internal static List<Descriptor> Merge(IReadOnlyList<Descriptor> current, IReadOnlyList<Descriptor> written)
    {
        var byTag = written.Where(e => RefName(e) is not null).GroupBy(e => RefName(e)!).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var untagged = written.Where(e => RefName(e) is null).Select(e => e.Digest).ToHashSet();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Descriptor>();
        foreach (var entry in current)
        {
            if (RefName(entry) is { } tag && byTag.TryGetValue(tag, out var replacement))
            {
                if (placed.Add(tag)) result.Add(replacement);
                continue;
            }
            if (RefName(entry) is null && untagged.Contains(entry.Digest)) continue;
            result.Add(entry);
        }
        foreach (var entry in written)
        {
            if (RefName(entry) is not { } tag) result.Add(entry);
            else if (ReferenceEquals(byTag[tag], entry) && placed.Add(tag)) result.Add(entry);
        }
        return result;
    }

    /// <summary>Drops untagged referrers (entries with a <c>subject</c>) whose subject nothing else in the index keeps in the layout.</summary>
    private static List<Descriptor> PruneReferrers(Func<Descriptor, JsonObject?> read, List<Descriptor> entries)
    {
        var subjects = entries.Select(e => RefName(e) is null ? Subject(read, e) : null).ToList();
        var keep = subjects.Select(s => s is null).ToArray();
        var live = Closure(read, entries.Where((_, i) => keep[i]));
        for (var changed = true; changed;)
        {
            changed = false;
            for (var i = 0; i < entries.Count; i++)
            {
                if (keep[i] || !live.ContainsKey(subjects[i]!.Value)) continue;
                keep[i] = changed = true;
                foreach (var (digest, descriptor) in Closure(read, [entries[i]])) live.TryAdd(digest, descriptor);
            }
        }
        return entries.Where((_, i) => keep[i]).ToList();
    }

    /// <summary>
    /// Every blob reachable from <paramref name="roots"/> through the manifests and indexes in the layout, by digest with the first
    /// descriptor naming it (missing or unreadable documents end the walk there). Each document is read once: a DAG, not a tree.
    /// </summary>
    private static Dictionary<Digest, Descriptor> Closure(Func<Descriptor, JsonObject?> read, IEnumerable<Descriptor> roots)
    {
        var seen = new Dictionary<Digest, Descriptor>();
        var queue = new Queue<Descriptor>(roots);
        while (queue.TryDequeue(out var item))
        {
            if (!seen.TryAdd(item.Digest, item) || !IsDocument(item.MediaType) || read(item) is not { } document) continue;
            foreach (var child in Children(document)) queue.Enqueue(child);
        }
        return seen;
    }

    /// <summary>The descriptors a manifest or index names: <c>manifests</c>, <c>config</c>, <c>layers</c>, <c>blobs</c> and <c>subject</c>.</summary>
    private static IEnumerable<Descriptor> Children(JsonObject document)
    {
        foreach (var key in new[] { "manifests", "layers", "blobs" })
        {
            if (document[key] is not JsonArray array) continue;
            foreach (var node in array)
                if (DescriptorOf(node) is { } child) yield return child;
        }
        foreach (var key in new[] { "config", "subject" })
            if (DescriptorOf(document[key]) is { } child) yield return child;
    }

    /// <summary>The descriptor a JSON node holds, or null; a missing or unreadable size is -1 (such a blob is never read).</summary>
    private static Descriptor? DescriptorOf(JsonNode? node) =>
        node is JsonObject o && o["digest"] is JsonValue d && d.TryGetValue<string>(out var text) && Digest.TryParse(text, out var digest)
            ? new Descriptor
            {
                Digest = digest,
                MediaType = o["mediaType"] is JsonValue m && m.TryGetValue<string>(out var type) ? type : "",
                Size = o["size"] is JsonValue z && z.TryGetValue<long>(out var size) ? size : -1,
            }
            : null;

    private static Digest? Subject(Func<Descriptor, JsonObject?> read, Descriptor entry) =>
        IsDocument(entry.MediaType) && read(entry) is { } document ? DescriptorOf(document["subject"])?.Digest : null;

    private static bool IsDocument(string? mediaType) => MediaTypes.IsIndex(mediaType) || MediaTypes.IsManifest(mediaType);

    /// <summary>
    /// A reader of JSON documents by descriptor: null for a blob that is missing, unreadable, larger than a document may be, not of its
    /// descriptor's size, or not a JSON object.
    /// </summary>
    private static Func<Descriptor, JsonObject?> Reader(Func<Descriptor, byte[]?> bytes) => descriptor =>
    {
        if (descriptor.Size is < 0 or > ImageLimits.MaxDocumentBytes) return null;
        try
        {
            return bytes(descriptor) is { } raw ? JsonNode.Parse(raw) as JsonObject : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ChunkedBuildException)
        {
            return null;
        }
    };

    private static IReadOnlyList<Descriptor> ReadIndex(Func<byte[]> bytes, string target)
    {
        try
        {
            return OciDocument<ImageIndex>.Parse(bytes(), OciLayoutFiles.IndexFile).Value.Manifests ?? [];
        }
        catch (ChunkedBuildException e) when (e.Code == ErrorCodes.MalformedDocument)
        {
            throw new ChunkedBuildException(ErrorCodes.MalformedDocument,
                $"'{target}' has an {OciLayoutFiles.IndexFile} that is not a valid image index ({e.Message}); nothing was written (--replace starts the layout over)", innerException: e);
        }
    }

    /// <summary>
    /// Reads a file of the layout under <see cref="LayoutFileAccess"/>'s rule (a regular file of the layout, never past
    /// <paramref name="length"/>); CHB2009 when it is larger than a document may be.
    /// </summary>
    private static byte[] ReadBounded(LayoutFileAccess files, string relative, long length)
    {
        if (length > ImageLimits.MaxDocumentBytes)
            throw new ChunkedBuildException(ErrorCodes.ImageLimitExceeded, $"'{relative}' has {length} bytes, more than the {ImageLimits.MaxDocumentBytes} bytes a document may have");
        using var stream = files.Open(relative, length);
        var buffer = new MemoryStream((int)length);
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Moves every staged blob into the target (replacing a file of the same name: same digest, and a damaged copy gets repaired).</summary>
    private static void MoveBlobs(string staging, string target)
    {
        var blobs = Path.Combine(staging, OciLayoutFiles.BlobsFolder);
        foreach (var algorithm in Directory.EnumerateDirectories(blobs))
        {
            var destination = Path.Combine(target, OciLayoutFiles.BlobsFolder, Path.GetFileName(algorithm));
            Directory.CreateDirectory(destination);
            foreach (var blob in Directory.EnumerateFiles(algorithm))
                File.Move(blob, Path.Combine(destination, Path.GetFileName(blob)), overwrite: true);
        }
    }

    /// <summary>Takes the layout's lock: <c>oci-layout</c> opened exclusively (created with its content when missing), waiting for another commit.</summary>
    private static FileStream Lock(string layoutFile, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var file = new FileStream(layoutFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                if (file.Length == 0)
                {
                    file.Write(System.Text.Encoding.UTF8.GetBytes(OciLayoutFiles.LayoutContent));
                    file.Flush();
                }
                return file;
            }
            catch (IOException e) when (RunLock.IsLockedError(e))
            {
                cancellationToken.WaitHandle.WaitOne(LockPoll);
            }
        }
    }

    private static string? RefName(Descriptor d) => d.Annotation(OciLayoutFiles.RefNameAnnotation);
}
