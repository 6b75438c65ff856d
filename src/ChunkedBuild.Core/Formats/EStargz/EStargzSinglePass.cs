using System.Security.Cryptography;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// The content and stream checks of <see cref="EStargzValidation"/> with one decompression of the blob instead of two (every chunk from its
/// offset, then the whole blob). The blob is cut into consecutive ranges that cover it from offset 0 to its end: from the start to the first
/// chunk offset, from each chunk offset to the next (the range <see cref="EStargzContentCheck"/> decodes for that chunk), from the last to
/// the TOC offset, and from there to the end (the TOC and footer members). Each range is decoded on its own, member by member, with a decoder
/// that reports where each member ends (<see cref="LibDeflateGzipMembers"/>), and must be exactly whole members: so every range starts and
/// ends on a member boundary, and since gzip members are independent, the stream a full puller decodes is exactly the ranges' outputs in
/// order. A chunk's range decoded on its own is what a lazy puller decodes from its offset: its first bytes are checked against
/// <c>chunkDigest</c> (and each file against <c>digest</c>) as <see cref="EStargzContentCheck"/> checks them, and the ranges' outputs in order
/// go to <see cref="EStargzStreamCheck"/> as the full-pull stream (entries, TOC, DiffID, size).
/// </summary>
/// <remarks>
/// It applies when libdeflate is installed and the layout allows one pass (every chunk at an offset of its own, a file's chunks in offset
/// order: what every writer of the format produces), after the earlier checks passed; otherwise, and whenever anything is wrong, the caller
/// runs the separate checks, so the verdict and the failures reported are theirs. A pass that finds nothing wrong proves what they prove.
/// </remarks>
internal sealed class EStargzSinglePass
{
    /// <summary>The largest range decoded in memory (a chunk is 4 MiB of content by default, so its member is about that or less).</summary>
    private const int MaxRangeBytes = 64 << 20;

    /// <summary>The largest output of one range (a 4 MiB chunk plus the headers that follow it, or a highly compressible range).</summary>
    private const int MaxRangeOutput = 256 << 20;

    private readonly Stream _blob;
    private readonly long _tocOffset;
    private readonly Dictionary<long, (EStargzFileLayout File, int Index)> _pieceAt = [];
    private readonly Dictionary<EStargzFileLayout, (IncrementalHash Hash, int Next)> _multiPiece = new(ReferenceEqualityComparer.Instance);

    private EStargzSinglePass(Stream blob, long tocOffset)
    {
        _blob = blob;
        _tocOffset = tocOffset;
    }

    /// <summary>
    /// Runs the content and stream checks in one pass; the stream check's results, or null when the pass did not prove the blob (the caller
    /// then runs the separate checks).
    /// </summary>
    public static EStargzStreamCheck? TryRun(Stream blob, long tocOffset, IReadOnlyList<EStargzFileLayout> files, IReadOnlyList<EStargzTocEntry> toc, Digest tocDigest)
    {
        if (!blob.CanSeek) return null;
        var pass = new EStargzSinglePass(blob, tocOffset);
        if (!pass.IndexPieces(files)) return null;
        using var members = LibDeflateGzipMembers.TryCreate();
        if (members is null) return null;
        var failures = new List<string>();
        using var stream = new RangesStream(pass, members, pass.Boundaries());
        var check = new EStargzStreamCheck(blob, failures, stream);
        try
        {
            check.Check(toc, tocDigest);
        }
        catch (Exception e) when (e is UnprovenException || MalformedLayerData.Is(e))
        {
            return null;
        }
        finally
        {
            foreach (var (hash, _) in pass._multiPiece.Values) hash.Dispose();
        }
        // Every range decoded and checked, every multi-piece file complete, and the stream as the TOC says.
        return failures.Count == 0 && stream.Finished && pass._multiPiece.Count == 0 ? check : null;
    }

    /// <summary>Where each chunk starts; false when two chunks share an offset or one lies outside the content (the TOC rules report it).</summary>
    private bool IndexPieces(IReadOnlyList<EStargzFileLayout> files)
    {
        foreach (var file in files)
        {
            for (var i = 0; i < file.Pieces.Count; i++)
            {
                var piece = file.Pieces[i];
                var offset = piece.Entry.Offset;
                if (offset <= 0 || offset >= _tocOffset || piece.Size <= 0 || !_pieceAt.TryAdd(offset, (file, i))) return false;
            }
        }
        return true;
    }

    /// <summary>The range boundaries: 0, every chunk offset, the TOC offset, the blob's end.</summary>
    private List<long> Boundaries()
    {
        var boundaries = new List<long> { 0 };
        boundaries.AddRange(_pieceAt.Keys.Order());
        if (_tocOffset > boundaries[^1]) boundaries.Add(_tocOffset);
        if (_blob.Length > boundaries[^1]) boundaries.Add(_blob.Length);
        return boundaries;
    }

    /// <summary>Checks the chunk (if any) that starts at <paramref name="start"/> against the range's output, as a lazy puller reads it.</summary>
    private void CheckPiece(long start, ReadOnlySpan<byte> output)
    {
        if (!_pieceAt.TryGetValue(start, out var at)) return;
        var (file, index) = at;
        var piece = file.Pieces[index];
        if (output.Length < piece.Size) throw new UnprovenException();
        var bytes = output[..(int)piece.Size];
        var chunk = Digest.FromSha256Bytes(SHA256.HashData(bytes));
        if (Digest.TryParse(piece.Entry.ChunkDigest, out var expectedChunk) && chunk != expectedChunk) throw new UnprovenException();
        if (file.Pieces.Count == 1)
        {
            if (Digest.TryParse(file.File.Digest, out var expectedFile) && chunk != expectedFile) throw new UnprovenException();
            return;
        }
        // A file in several pieces: hashed across its pieces, which must come in offset order.
        if (!_multiPiece.TryGetValue(file, out var state))
        {
            if (index != 0) throw new UnprovenException();
            state = (IncrementalHash.CreateHash(HashAlgorithmName.SHA256), 0);
        }
        if (state.Next != index) throw new UnprovenException();
        state.Hash.AppendData(bytes);
        if (index + 1 < file.Pieces.Count)
        {
            _multiPiece[file] = (state.Hash, index + 1);
            return;
        }
        _multiPiece.Remove(file);
        var whole = Digest.FromSha256Bytes(state.Hash.GetHashAndReset());
        state.Hash.Dispose();
        if (Digest.TryParse(file.File.Digest, out var expected) && whole != expected) throw new UnprovenException();
    }

    /// <summary>Something the pass cannot prove: the separate checks decide.</summary>
    private sealed class UnprovenException : Exception;

    /// <summary>The ranges' outputs in order, each range decoded (and its chunk checked) when the reader reaches it.</summary>
    private sealed class RangesStream(EStargzSinglePass pass, LibDeflateGzipMembers members, List<long> boundaries) : ReadOnlyStream
    {
        private byte[] _input = [];
        private byte[] _output = new byte[1 << 20];
        private int _outputLength;
        private int _outputPosition;
        private int _next;

        /// <summary>Whether every range was decoded.</summary>
        public bool Finished => _next == boundaries.Count - 1 && _outputPosition == _outputLength;

        public override int Read(Span<byte> buffer)
        {
            while (_outputPosition == _outputLength)
            {
                if (_next == boundaries.Count - 1) return 0;
                DecodeRange(boundaries[_next], boundaries[_next + 1]);
                _next++;
            }
            var n = Math.Min(buffer.Length, _outputLength - _outputPosition);
            _output.AsSpan(_outputPosition, n).CopyTo(buffer);
            _outputPosition += n;
            return n;
        }

        private void DecodeRange(long start, long end)
        {
            var length = end - start;
            if (length > MaxRangeBytes) throw new UnprovenException();
            if (_input.Length < length) _input = new byte[Math.Max(length, Math.Min(MaxRangeBytes, 2L * _input.Length))];
            var input = _input.AsSpan(0, (int)length);
            pass._blob.Position = start;
            pass._blob.ReadExactly(input);
            _outputLength = 0;
            _outputPosition = 0;
            if (!members.TryDecodeAll(input, ref _output, ref _outputLength, MaxRangeOutput)) throw new UnprovenException();
            pass.CheckPiece(start, _output.AsSpan(0, _outputLength));
        }
    }
}
