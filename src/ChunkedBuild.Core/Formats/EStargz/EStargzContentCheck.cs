using System.IO.Compression;
using System.Security.Cryptography;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// Reads every payload piece the way a lazy puller does: gunzip from the piece's <c>offset</c> over the range that ends
/// at the next payload offset (or the TOC), take the piece's bytes, compare them with <c>chunkDigest</c>, require the
/// rest of the range to decompress cleanly, and compare each whole file with <c>digest</c>.
/// </summary>
internal sealed class EStargzContentCheck(Stream blob, long tocOffset, List<string> failures)
{
    public void Check(IReadOnlyList<EStargzFileLayout> files)
    {
        var starts = files.SelectMany(f => f.Pieces).Select(p => p.Entry.Offset).Where(o => o > 0 && o < tocOffset)
            .Distinct().Order().ToArray();
        var buffer = new byte[1 << 16];
        foreach (var file in files)
        {
            using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var complete = true;
            // A file in one piece: the chunk's bytes are the file's, so one hash serves both digests.
            var onePiece = file.Pieces.Count == 1;
            foreach (var piece in file.Pieces)
            {
                complete &= CheckPiece(file.File, piece, End(starts, piece.Entry.Offset), fileHash, onePiece, buffer);
            }
            if (!complete || !Digest.TryParse(file.File.Digest, out var expected)) continue;
            var actual = Digest.FromSha256Bytes(fileHash.GetHashAndReset());
            if (actual != expected)
                failures.Add($"content: file '{file.File.Name}' hashes to {actual}, its digest says {expected}");
        }
    }

    private long End(long[] starts, long offset)
    {
        var i = Array.BinarySearch(starts, offset);
        i = i < 0 ? ~i : i + 1;
        return i < starts.Length ? starts[i] : tocOffset;
    }

    private bool CheckPiece(EStargzTocEntry file, EStargzPiece piece, long end, IncrementalHash fileHash, bool onePiece, byte[] buffer)
    {
        var offset = piece.Entry.Offset;
        var what = $"file '{file.Name}' chunk at {piece.ChunkOffset} (blob offset {offset})";
        if (offset <= 0 || offset >= tocOffset || piece.Size <= 0) return false; // already reported by the TOC rules
        using var chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long got = 0;
        try
        {
            using var gzip = new GZipStream(new RangeReadStream(blob, offset, end - offset), CompressionMode.Decompress);
            while (got < piece.Size)
            {
                var n = gzip.Read(buffer, 0, (int)Math.Min(buffer.Length, piece.Size - got));
                if (n == 0) break;
                if (!onePiece) chunkHash.AppendData(buffer, 0, n);
                fileHash.AppendData(buffer, 0, n);
                got += n;
            }
            if (got < piece.Size)
            {
                failures.Add($"content: {what}: the range [{offset}, {end}) decompresses to {got} bytes, the chunk has {piece.Size}");
                return false;
            }
            try
            {
                while (gzip.Read(buffer) > 0) { }
            }
            catch (InvalidDataException e)
            {
                failures.Add($"content: {what}: the gzip data does not end cleanly at the next member start {end}: {e.Message}");
            }
        }
        catch (InvalidDataException e)
        {
            failures.Add($"content: {what}: no gzip member decompresses from this offset: {e.Message}");
            return false;
        }
        var actual = Digest.FromSha256Bytes(onePiece ? fileHash.GetCurrentHash() : chunkHash.GetHashAndReset());
        if (Digest.TryParse(piece.Entry.ChunkDigest, out var expected) && actual != expected)
        {
            failures.Add($"content: {what} hashes to {actual}, its chunkDigest says {expected}");
            return false;
        }
        return true;
    }
}
