using System.Security.Cryptography;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// Checks every file the way a partial puller fetches it: each chunk decoded on its own from its offset up to the next
/// chunk (or <c>endOffset</c>) must give exactly its bytes and nothing more, matching <c>chunkDigest</c>, and the file
/// must match <c>digest</c>; <c>zeros</c> chunks must be zero; chunk entries must follow their file.
/// </summary>
internal sealed class ZstdChunkedContentCheck(Stream blob, List<string> failures)
{
    /// <summary>Returns the regular files with content, by name, for the DiffID rebuild.</summary>
    public IReadOnlyDictionary<string, ZstdChunkedTocEntry> Check(IReadOnlyList<ZstdChunkedTocEntry> entries)
    {
        var files = new Dictionary<string, ZstdChunkedTocEntry>(StringComparer.Ordinal);
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
            try
            {
                if (CheckFile(e, Pieces(entries, i))) files[e.Name] = e;
            }
            catch (Exception x) when (x is ZstdSharp.ZstdException or InvalidDataException or IOException)
            {
                failures.Add($"content: file '{e.Name}': its frames at {e.Offset} do not decode: {x.Message}");
            }
        }
        return files;
    }

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

    private bool CheckFile(ZstdChunkedTocEntry file, List<Piece> pieces)
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
            using var decoder = new ZstdSharp.DecompressionStream(new RangeReadStream(blob, p.Offset, p.End - p.Offset));
            long left = p.Size;
            var allZero = true;
            while (left > 0)
            {
                var n = decoder.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0) break;
                chunkHash.AppendData(buffer, 0, n);
                fileHash.AppendData(buffer, 0, n);
                if (allZero && buffer.AsSpan(0, n).ContainsAnyExcept((byte)0)) allZero = false;
                left -= n;
            }
            if (left > 0) failures.Add($"content: file '{file.Name}': frames at {p.Offset} decode to {p.Size - left} bytes, expected {p.Size}");
            else if (decoder.Read(buffer, 0, 1) != 0)
                failures.Add($"content: file '{file.Name}': frames at {p.Offset}..{p.End} hold more than the chunk's {p.Size} bytes (payload frames must hold only payload)");
            if (p.Type == ZstdChunkedSpec.ZerosChunkType && !allZero) failures.Add($"content: file '{file.Name}': chunk at {p.ChunkOffset} is typed 'zeros' but is not all zero");
            if (p.Digest.Length > 0)
            {
                var actual = Digest.FromSha256Bytes(chunkHash.GetHashAndReset());
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

    private sealed record Piece(long Offset, long End, long ChunkOffset, long Size, string Digest, string Type);
}
