using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>One payload piece of a regular file: the <c>reg</c> entry itself or one of its <c>chunk</c> entries.</summary>
/// <param name="Entry">The TOC entry carrying offset and chunk digest.</param>
/// <param name="ChunkOffset">Offset of the piece within the file.</param>
/// <param name="Size">Uncompressed size of the piece, as readers compute it.</param>
internal sealed record EStargzPiece(EStargzTocEntry Entry, long ChunkOffset, long Size);

/// <summary>A non-empty regular file and its payload pieces in TOC order.</summary>
internal sealed record EStargzFileLayout(EStargzTocEntry File, List<EStargzPiece> Pieces);

/// <summary>
/// The structural TOC checks of stargz-snapshotter (<c>initFields</c>, <c>Verifiers</c>) and containers/storage
/// (docs/formats.md §3.8 and the eStargz traps of §6): known types, chunk entries following their file and covering it,
/// a parsable <c>chunkDigest</c> and a unique in-range <c>offset</c> on every payload entry, no <c>innerOffset</c>,
/// resolvable hard links, well-formed landmarks.
/// </summary>
internal static class EStargzTocRules
{
    private static readonly HashSet<string> KnownTypes =
    [
        TocEntryTypes.Regular, TocEntryTypes.Chunk, TocEntryTypes.Directory, TocEntryTypes.Symlink,
        TocEntryTypes.HardLink, TocEntryTypes.CharDevice, TocEntryTypes.BlockDevice, TocEntryTypes.Fifo,
    ];

    /// <summary>sha256 of the landmark's single byte 0x0F.</summary>
    private static readonly string LandmarkDigest = Digest.Sha256Of([EStargzSpec.LandmarkContent]).ToString();

    /// <summary>Checks <paramref name="entries"/>; returns the non-empty regular files with their pieces.</summary>
    public static List<EStargzFileLayout> Check(IReadOnlyList<EStargzTocEntry> entries, long tocOffset, List<string> failures)
    {
        var files = new List<EStargzFileLayout>();
        var byName = new Dictionary<string, EStargzTocEntry>(StringComparer.Ordinal);
        var offsets = new Dictionary<long, string>();
        EStargzFileLayout? current = null;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (!KnownTypes.Contains(e.Type))
            {
                failures.Add($"TOC: entry {i} '{e.Name}' has unknown type '{e.Type}'");
                current = null;
                continue;
            }
            if (e.Type == TocEntryTypes.Chunk)
            {
                if (current is null)
                    failures.Add($"TOC: chunk entry {i} '{e.Name}' does not follow a non-empty regular file");
                else
                {
                    if (e.Name.Length > 0 && e.CleanName != current.File.CleanName)
                        failures.Add($"TOC: chunk entry {i} '{e.Name}' follows file '{current.File.Name}' but names another path");
                    current.Pieces.Add(new EStargzPiece(e, e.ChunkOffset, e.ChunkSize != 0 ? e.ChunkSize : current.File.Size - e.ChunkOffset));
                }
                CheckPayloadEntry(e, tocOffset, offsets, failures);
                continue;
            }
            current = null;
            byName[e.CleanName] = e;
            CheckMetadata(e, failures);
            if (e.Type != TocEntryTypes.Regular || e.Size <= 0) continue;
            current = new EStargzFileLayout(e, [new EStargzPiece(e, e.ChunkOffset, e.ChunkSize != 0 ? e.ChunkSize : e.Size)]);
            files.Add(current);
            CheckPayloadEntry(e, tocOffset, offsets, failures);
        }
        foreach (var file in files) CheckCoverage(file, failures);
        foreach (var e in entries)
        {
            if (e.Type == TocEntryTypes.HardLink && e.LinkName.Length > 0 && !Resolves(e, byName))
                failures.Add($"TOC: hard link '{e.Name}' points to '{e.LinkName}', which is not in the TOC (stargz-snapshotter refuses the layer)");
        }
        return files;
    }

    private static void CheckMetadata(EStargzTocEntry e, List<string> failures)
    {
        var clean = e.CleanName;
        if (clean == EStargzSpec.TocName)
            failures.Add($"TOC: it lists '{e.Name}' itself (the TOC file must not be in its own entries)");
        if ((e.Type is TocEntryTypes.Symlink or TocEntryTypes.HardLink) && e.LinkName.Length == 0)
            failures.Add($"TOC: {e.Type} '{e.Name}' has no linkName");
        if (e.Type == TocEntryTypes.Regular && e.Size < 0)
            failures.Add($"TOC: file '{e.Name}' has negative size {e.Size}");
        if (e.Type == TocEntryTypes.Regular && e.Size == 0 && e.Digest.Length > 0 && e.Digest != Digest.EmptySha256.ToString())
            failures.Add($"TOC: empty file '{e.Name}' has digest {e.Digest}, not the sha256 of nothing");
        if (e.ModTime.Length > 0 && !Tar.TarTime.TryParseRfc3339(e.ModTime, out _))
            failures.Add($"TOC: entry '{e.Name}' has modtime '{e.ModTime}', which is not RFC 3339");
        if (clean is EStargzSpec.PrefetchLandmark or EStargzSpec.NoPrefetchLandmark)
        {
            if (e.Type != TocEntryTypes.Regular || e.Size != 1)
                failures.Add($"landmark: '{e.Name}' must be a regular file of size 1, is {e.Type} of size {e.Size}");
            else if (e.Digest != LandmarkDigest)
                failures.Add($"landmark: '{e.Name}' has digest {e.Digest}; its only byte must be 0x0F ({LandmarkDigest})");
        }
    }

    private static void CheckPayloadEntry(EStargzTocEntry e, long tocOffset, Dictionary<long, string> offsets, List<string> failures)
    {
        var what = e.Type == TocEntryTypes.Chunk ? $"chunk at {e.ChunkOffset} of '{e.Name}'" : $"file '{e.Name}'";
        if (e.InnerOffset != 0)
            failures.Add($"TOC: {what} uses innerOffset {e.InnerOffset}, which containers/storage and stargz-snapshotter < 0.13 do not understand");
        if (e.ChunkDigest.Length == 0)
            failures.Add($"TOC: {what} has no chunkDigest (stargz-snapshotter's verifier requires it on every payload entry)");
        else if (!Digest.TryParse(e.ChunkDigest, out _))
            failures.Add($"TOC: {what} has chunkDigest '{e.ChunkDigest}', which is not sha256:<64 hex>");
        if (e.Type == TocEntryTypes.Regular)
        {
            if (e.Digest.Length == 0)
                failures.Add($"TOC: {what} has no digest (containers/storage verifies every file against it)");
            else if (!Digest.TryParse(e.Digest, out _))
                failures.Add($"TOC: {what} has digest '{e.Digest}', which is not sha256:<64 hex>");
        }
        if (e.Offset <= 0 || e.Offset >= tocOffset)
            failures.Add($"TOC: {what} has offset {e.Offset}, outside the data area (0, {tocOffset})");
        else if (!offsets.TryAdd(e.Offset, e.Name))
            failures.Add($"TOC: offset {e.Offset} found twice ({what} and '{offsets[e.Offset]}'); every payload entry needs its own gzip member");
    }

    private static void CheckCoverage(EStargzFileLayout file, List<string> failures)
    {
        long next = 0;
        foreach (var piece in file.Pieces)
        {
            if (piece.ChunkOffset != next)
                failures.Add($"TOC: file '{file.File.Name}': chunk at {piece.ChunkOffset} does not continue the previous one (expected {next})");
            if (piece.Size <= 0)
                failures.Add($"TOC: file '{file.File.Name}': chunk at {piece.ChunkOffset} has size {piece.Size}");
            next = piece.ChunkOffset + piece.Size;
        }
        if (next != file.File.Size)
            failures.Add($"TOC: file '{file.File.Name}': chunks cover {next} bytes, the size is {file.File.Size}");
    }

    /// <summary>stargz-snapshotter's <c>getSource</c>: follows hard links to an entry that is not a hard link.</summary>
    private static bool Resolves(EStargzTocEntry link, Dictionary<string, EStargzTocEntry> byName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var e = link;
        while (e.Type == TocEntryTypes.HardLink)
        {
            var target = EStargzTocEntry.CleanEntryName(e.LinkName);
            if (!seen.Add(target) || !byName.TryGetValue(target, out var next)) return false;
            e = next;
        }
        return true;
    }
}
