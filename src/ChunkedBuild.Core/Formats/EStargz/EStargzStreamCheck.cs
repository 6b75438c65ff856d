using System.Security.Cryptography;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// Decompresses the whole blob as a full (non-lazy) puller does and checks that the tar it yields is what the TOC
/// describes: the same entries (names after cleaning, types, sizes, modes, uid/gid, names, link targets, mtime to the
/// second, device numbers, xattrs, file contents), and as its last file <c>stargz.index.json</c> holding the TOC.
/// Computes the DiffID and the uncompressed size.
/// </summary>
/// <param name="blob">The blob.</param>
/// <param name="failures">Where failures are added.</param>
/// <param name="decompressed">The blob's decompressed stream when another pass decodes it (<see cref="EStargzSinglePass"/>); null decompresses the blob here.</param>
internal sealed class EStargzStreamCheck(Stream blob, List<string> failures, Stream? decompressed = null)
{
    /// <summary>sha256 of the decompressed stream, once computed.</summary>
    public Digest? DiffId { get; private set; }

    /// <summary>Length of the decompressed stream, once computed.</summary>
    public long UncompressedSize { get; private set; }

    /// <summary>Every entry of the decompressed stream as <see cref="LayerOrigin"/> compares it, once read.</summary>
    public IReadOnlyList<TarEntryDigest>? Entries { get; private set; }

    public void Check(IReadOnlyList<EStargzTocEntry> toc, Digest tocJsonDigest)
    {
        var stream = ReadStream();
        if (stream is null) return;
        if (stream.Count == 0 || !EStargzLandmark.IsToc(stream[^1].Info.Name))
            failures.Add($"stream: the last file of the tar is {(stream.Count == 0 ? "missing" : $"'{stream[^1].Info.Name}'")}, not {EStargzSpec.TocName}");
        else if (stream[^1].Digest != tocJsonDigest)
            failures.Add($"stream: {EStargzSpec.TocName} in the decompressed stream differs from the TOC found through the footer");
        Compare(toc, stream.Take(stream.Count - (stream.Count > 0 && EStargzLandmark.IsToc(stream[^1].Info.Name) ? 1 : 0)).ToList());
    }

    private List<StreamEntry>? ReadStream()
    {
        var entries = new List<StreamEntry>();
        using var range = new RangeReadStream(blob, 0, blob.Length);
        var compression = LayerCompression.Gzip;
        using var input = decompressed is null ? LayerInput.OpenUncompressed(range, out compression, leaveOpen: true) : null;
        if (compression != LayerCompression.Gzip)
        {
            failures.Add($"stream: the blob is {compression}, not gzip");
            return null;
        }
        using var hashing = new HashingReadStream(input ?? decompressed!, ownsInner: decompressed is null);
        using (var reader = new RawTarReader(hashing, leaveOpen: true))
        {
            var buffer = new byte[1 << 16];
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var digests = new List<TarEntryDigest>();
            while (reader.ReadNext() is { } entry)
            {
                int n;
                while ((n = reader.ReadData(buffer)) > 0) hash.AppendData(buffer, 0, n);
                var payload = Digest.FromSha256Bytes(hash.GetHashAndReset());
                entries.Add(new StreamEntry(entry.Info, entry.Info.IsRegularFile ? payload : null));
                digests.Add(new TarEntryDigest(entry.Info, Digest.Sha256Of(entry.HeaderBytes.Span), payload));
            }
            Entries = digests;
            var nonZero = 0L;
            int read;
            while ((read = reader.ReadAfterEnd(buffer)) > 0) nonZero += read - buffer.AsSpan(0, read).Count((byte)0);
            if (nonZero > 0) failures.Add($"stream: {nonZero} non-zero bytes follow the end of the tar archive");
        }
        DiffId = Digest.FromSha256Bytes(hashing.DrainAndHash());
        UncompressedSize = hashing.BytesRead;
        return entries;
    }

    private void Compare(IReadOnlyList<EStargzTocEntry> toc, List<StreamEntry> stream)
    {
        var queue = new Dictionary<string, Queue<ResolvedEntry>>(StringComparer.Ordinal);
        var userNames = new Dictionary<long, string>();
        var groupNames = new Dictionary<long, string>();
        foreach (var e in toc)
        {
            if (e.Type == TocEntryTypes.Chunk) continue;
            // writers leave userName/groupName out while unchanged for an id; readers carry them forward
            if (e.UserName.Length > 0) userNames[e.Uid] = e.UserName;
            if (e.GroupName.Length > 0) groupNames[e.Gid] = e.GroupName;
            var resolved = new ResolvedEntry(e, userNames.GetValueOrDefault(e.Uid, ""), groupNames.GetValueOrDefault(e.Gid, ""));
            if (!queue.TryGetValue(e.CleanName, out var q)) queue[e.CleanName] = q = new Queue<ResolvedEntry>();
            q.Enqueue(resolved);
        }
        foreach (var s in stream)
        {
            var name = EStargzTocEntry.CleanEntryName(s.Info.Name);
            if (!queue.TryGetValue(name, out var q) || !q.TryDequeue(out var t))
            {
                failures.Add($"stream: entry '{s.Info.Name}' of the decompressed tar has no TOC entry");
                continue;
            }
            var diffs = Differences(s, t);
            if (diffs.Count > 0) failures.Add($"stream: entry '{s.Info.Name}' differs from its TOC entry: {string.Join("; ", diffs)}");
        }
        foreach (var (_, q) in queue)
        {
            foreach (var t in q) failures.Add($"stream: TOC entry '{t.Entry.Name}' is not in the decompressed tar");
        }
    }

    private static List<string> Differences(StreamEntry s, ResolvedEntry resolved)
    {
        var t = resolved.Entry;
        var info = s.Info;
        var type = TocEntryTypes.Of(info) ?? $"typeflag {info.TypeFlag}";
        if (type != t.Type) return [$"type {type} vs {t.Type}"];
        var diffs = new List<string>();
        if (info.Mode != t.Mode) diffs.Add($"mode {Convert.ToString(info.Mode, 8)} vs {Convert.ToString(t.Mode, 8)}");
        if (info.Uid != t.Uid) diffs.Add($"uid {info.Uid} vs {t.Uid}");
        if (info.Gid != t.Gid) diffs.Add($"gid {info.Gid} vs {t.Gid}");
        if (info.UserName.Length > 0 && resolved.UserName.Length > 0 && info.UserName != resolved.UserName)
            diffs.Add($"userName '{info.UserName}' vs '{resolved.UserName}'");
        if (info.GroupName.Length > 0 && resolved.GroupName.Length > 0 && info.GroupName != resolved.GroupName)
            diffs.Add($"groupName '{info.GroupName}' vs '{resolved.GroupName}'");
        var streamHasTime = info.ModTime.Seconds != 0;
        var tocHasTime = TarTime.TryParseRfc3339(t.ModTime, out var tocTime) && tocTime.Seconds != 0;
        if (streamHasTime != tocHasTime || (streamHasTime && !WithinASecond(info.ModTime, tocTime)))
            diffs.Add($"mtime {(streamHasTime ? info.ModTime.ToRfc3339() : "none")} vs {(t.ModTime.Length > 0 ? t.ModTime : "none")}");
        switch (type)
        {
            case TocEntryTypes.Symlink when info.LinkName != t.LinkName:
            case TocEntryTypes.HardLink when EStargzTocEntry.CleanEntryName(info.LinkName) != EStargzTocEntry.CleanEntryName(t.LinkName):
                diffs.Add($"linkName '{info.LinkName}' vs '{t.LinkName}'");
                break;
            case TocEntryTypes.CharDevice or TocEntryTypes.BlockDevice when info.DevMajor != t.DevMajor || info.DevMinor != t.DevMinor:
                diffs.Add($"device {info.DevMajor},{info.DevMinor} vs {t.DevMajor},{t.DevMinor}");
                break;
            case TocEntryTypes.Regular:
                if (info.Size != t.Size) diffs.Add($"size {info.Size} vs {t.Size}");
                else if (info.Size > 0 && s.Digest is { } d && Digest.TryParse(t.Digest, out var td) && d != td)
                    diffs.Add($"content {d} vs digest {td}");
                break;
        }
        var xattrs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var x in info.Xattrs) xattrs[x.Key] = x.Value;
        if (xattrs.Count != t.Xattrs.Count
            || xattrs.Any(x => !t.Xattrs.TryGetValue(x.Key, out var v) || !v.AsSpan().SequenceEqual(x.Value)))
            diffs.Add($"xattrs [{string.Join(", ", xattrs.Keys.Order(StringComparer.Ordinal))}] vs [{string.Join(", ", t.Xattrs.Keys.Order(StringComparer.Ordinal))}] or their values");
        return diffs;
    }

    private static bool WithinASecond(TarTime a, TarTime b)
    {
        var seconds = a.Seconds - b.Seconds;
        if (seconds is > 1 or < -1) return false;
        var nanos = seconds * 1_000_000_000L + (a.Nanoseconds - b.Nanoseconds);
        return Math.Abs(nanos) < 1_000_000_000L;
    }

    private sealed record StreamEntry(TarEntryInfo Info, Digest? Digest);

    private sealed record ResolvedEntry(EStargzTocEntry Entry, string UserName, string GroupName);
}
