using System.Security.Cryptography;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// Checks every file the way a partial puller fetches it: each chunk decoded on its own from its offset up to the next
/// chunk (or <c>endOffset</c>) must give exactly its bytes and nothing more, matching <c>chunkDigest</c>, and the file
/// must match <c>digest</c>; <c>zeros</c> chunks must be zero; chunk entries must follow their file.
/// </summary>
/// <param name="blob">The blob.</param>
/// <param name="failures">Where failures are added.</param>
/// <param name="native">The native decoder of each piece (which must be whole frames); null uses the managed ZstdSharp one.</param>
internal sealed class ZstdChunkedContentCheck(Stream blob, List<string> failures, NativeZstdRanges? native = null)
{
    /// <summary>Returns the regular files with content, by name, for the DiffID rebuild.</summary>
    public IReadOnlyDictionary<string, ZstdChunkedTocEntry> Check(IReadOnlyList<ZstdChunkedTocEntry> entries)
    {
        var files = new Dictionary<string, ZstdChunkedTocEntry>(StringComparer.Ordinal);
        foreach (var (file, pieces) in Layout(entries))
        {
            try
            {
                if (CheckFile(file, pieces, null)) files[file.Name] = file;
            }
            catch (Exception x) when (IsUndecodable(x))
            {
                ReportUndecodable(file, x);
            }
        }
        return files;
    }

    /// <summary>
    /// The checks that need no decoding (chunk entries follow their file, hard links point into the layer), and every regular file with
    /// content with the pieces a partial puller fetches for it, in TOC order.
    /// </summary>
    public List<(ZstdChunkedTocEntry File, List<Piece> Pieces)> Layout(IReadOnlyList<ZstdChunkedTocEntry> entries)
    {
        var files = new List<(ZstdChunkedTocEntry, List<Piece>)>();
        var paths = entries.Where(e => e.Type != TocEntryTypes.Chunk).Select(e => TarPath.CleanAbsolute(e.Name)).ToHashSet(StringComparer.Ordinal);
        string? lastType = null;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Type == TocEntryTypes.Chunk)
            {
                if (lastType != TocEntryTypes.Regular) failures.Add($"content: chunk entry '{e.Name}' does not follow a regular file");
                continue;
            }
            lastType = e.Type;
            if (e.Type == TocEntryTypes.HardLink && !paths.Contains(TarPath.CleanAbsolute(e.LinkName)))
                failures.Add($"content: hard link '{e.Name}' points to '{e.LinkName}', which is not in this layer");
            if (e.Type != TocEntryTypes.Regular || e.Size == 0) continue;
            files.Add((e, Pieces(entries, i)));
        }
        return files;
    }

    /// <summary>Whether an exception says the frames of a file do not decode.</summary>
    public static bool IsUndecodable(Exception x) => x is ZstdSharp.ZstdException or InvalidDataException or IOException;

    /// <summary>
    /// A decoder of the blob's bytes <c>[offset, end)</c>, which must be whole frames (a read throws when they end inside one): the native one
    /// when given, else ZstdSharp.
    /// </summary>
    public static Stream OpenRange(Stream blob, long offset, long end, NativeZstdRanges? decoder)
    {
        var range = new RangeReadStream(blob, offset, end - offset);
        return decoder is not null ? decoder.Open(range) : new ZstdSharp.DecompressionStream(range, checkEndOfStream: true, leaveOpen: false);
    }

    /// <summary>Reports a file whose frames do not decode.</summary>
    public void ReportUndecodable(ZstdChunkedTocEntry file, Exception x) =>
        failures.Add($"content: file '{file.Name}': its frames at {file.Offset} do not decode: {x.Message}");

    private static List<Piece> Pieces(IReadOnlyList<ZstdChunkedTocEntry> entries, int index)
    {
        var file = entries[index];
        var chunks = new List<ZstdChunkedTocEntry>();
        for (var j = index + 1; j < entries.Count && entries[j].Type == TocEntryTypes.Chunk && entries[j].Name == file.Name; j++) chunks.Add(entries[j]);
        if (chunks.Count == 0) return [new Piece(file.Offset, file.EndOffset, 0, file.Size, "", "")];
        var all = new List<ZstdChunkedTocEntry> { file };
        all.AddRange(chunks);
        var pieces = new List<Piece>();
        for (var k = 0; k < all.Count; k++)
        {
            var end = k + 1 < all.Count ? all[k + 1].Offset : file.EndOffset;
            var size = all[k].ChunkSize != 0 ? all[k].ChunkSize : file.Size - all[k].ChunkOffset;
            pieces.Add(new Piece(all[k].Offset, end, k == 0 ? 0 : all[k].ChunkOffset, size, all[k].ChunkDigest, all[k].ChunkType));
        }
        return pieces;
    }

    /// <summary>
    /// Decodes every piece of <paramref name="file"/> on its own, as a partial puller does, and checks it against the TOC; each piece's
    /// decoded bytes also go to <paramref name="decoded"/>, in order, when given. True when the file passed.
    /// </summary>
    public bool CheckFile(ZstdChunkedTocEntry file, List<Piece> pieces, Action<ReadOnlySpan<byte>>? decoded)
    {
        var before = failures.Count;
        if (!Digest.TryParse(file.Digest, out var digest))
        {
            failures.Add($"content: file '{file.Name}' has no parsable digest");
            return false;
        }
        long expectedChunkOffset = 0;
        using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        // A file in one piece: the chunk's bytes are the file's, so one hash serves both digests.
        var onePiece = pieces.Count == 1;
        foreach (var p in pieces)
        {
            if (p.ChunkOffset != expectedChunkOffset)
                failures.Add($"content: file '{file.Name}': chunk at {p.ChunkOffset} does not continue the previous chunk (expected {expectedChunkOffset})");
            expectedChunkOffset = p.ChunkOffset + p.Size;
            if (p.Offset <= 0 || p.End <= p.Offset || p.End > blob.Length)
            {
                failures.Add($"content: file '{file.Name}': chunk range [{p.Offset}, {p.End}) is not inside the blob");
                return false;
            }
            using var chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var decoder = OpenRange(blob, p.Offset, p.End, native);
            long left = p.Size;
            var allZero = true;
            while (left > 0)
            {
                var n = decoder.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0) break;
                if (!onePiece) chunkHash.AppendData(buffer, 0, n);
                fileHash.AppendData(buffer, 0, n);
                decoded?.Invoke(buffer.AsSpan(0, n));
                if (allZero && buffer.AsSpan(0, n).ContainsAnyExcept((byte)0)) allZero = false;
                left -= n;
            }
            if (left > 0) failures.Add($"content: file '{file.Name}': frames at {p.Offset} decode to {p.Size - left} bytes, expected {p.Size}");
            else if (decoder.Read(buffer, 0, 1) != 0)
                failures.Add($"content: file '{file.Name}': frames at {p.Offset}..{p.End} hold more than the chunk's {p.Size} bytes (payload frames must hold only payload)");
            if (p.Type == ZstdChunkedSpec.ZerosChunkType && !allZero) failures.Add($"content: file '{file.Name}': chunk at {p.ChunkOffset} is typed 'zeros' but is not all zero");
            if (p.Digest.Length > 0)
            {
                var actual = Digest.FromSha256Bytes(onePiece ? fileHash.GetCurrentHash() : chunkHash.GetHashAndReset());
                if (!Digest.TryParse(p.Digest, out var expected) || expected != actual)
                    failures.Add($"content: file '{file.Name}': chunk at {p.ChunkOffset} hashes to {actual}, chunkDigest says {p.Digest}");
            }
        }
        if (expectedChunkOffset != file.Size)
            failures.Add($"content: file '{file.Name}': chunks cover {expectedChunkOffset} bytes of {file.Size}");
        var fileDigest = Digest.FromSha256Bytes(fileHash.GetHashAndReset());
        if (fileDigest != digest) failures.Add($"content: file '{file.Name}' hashes to {fileDigest}, the TOC says {digest}");
        return failures.Count == before;
    }

    /// <summary>One range a partial puller fetches: compressed <c>[Offset, End)</c> decoding to <c>Size</c> bytes at <c>ChunkOffset</c> of the file.</summary>
    public sealed record Piece(long Offset, long End, long ChunkOffset, long Size, string Digest, string Type);
}
