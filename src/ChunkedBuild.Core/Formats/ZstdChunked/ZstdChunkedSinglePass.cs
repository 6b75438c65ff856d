using System.Buffers.Binary;
using System.Security.Cryptography;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// The content and DiffID checks of <see cref="ZstdChunkedValidation"/> with one decompression of the blob instead of three (each file's
/// pieces, the tar rebuilt from tar-split, the whole stream). The blob is cut into consecutive ranges that cover it from offset 0 to its
/// end: each file's pieces (as the TOC gives them) and the gaps between them (tar headers, padding, the skippable TOC, tar-split and
/// footer frames). Every range is decoded on its own with a decoder that fails when its input ends inside a frame, so every range ends on a
/// frame boundary and the next one starts on one; zstd frames are independent, so the whole stream a full puller decodes is exactly the
/// ranges' outputs in order. A piece decoded on its own is what a partial puller fetches (<see cref="ZstdChunkedContentCheck.CheckFile"/>
/// checks it, unchanged) and is, in tar-split order, the file's content in the tar rebuilt from tar-split (its size and CRC-64 checked as
/// the reassembly checks them); each gap must decode to exactly the tar-split segments between those files. So the rebuilt tar and the
/// whole stream are the same bytes, hashed once for the DiffID.
/// </summary>
/// <remarks>
/// It applies when the layout allows one pass (files' pieces in tar-split order, none overlapping: what every writer of the format
/// produces) and the blob passed every earlier check; otherwise, and whenever a check fails here, the caller runs the separate checks, so
/// the verdict and the failures reported are theirs. A pass that finds nothing wrong proves what they prove. It decodes with the native
/// libzstd (<see cref="NativeZstdRanges"/>, as strict at a range's end as ZstdSharp) when it loads, else with ZstdSharp.
/// </remarks>
/// <param name="blob">The blob.</param>
/// <param name="native">Whether to decode with the native libzstd when it loads (off: always ZstdSharp, for tests).</param>
internal sealed class ZstdChunkedSinglePass(Stream blob, bool native = true)
{
    private readonly NativeZstdRanges? _decoder = native ? NativeZstdRanges.TryCreate() : null;
    private readonly List<string> _failures = [];
    private readonly IncrementalHash _stream = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly MemoryStream _segments = new();
    private readonly byte[] _buffer = new byte[1 << 16];
    private long _cursor;

    /// <summary>The DiffID (sha256 of the whole decompressed stream, equal to the tar rebuilt from tar-split), or null when the pass did not prove the blob.</summary>
    public Digest? Run(IReadOnlyList<ZstdChunkedTocEntry> toc, IReadOnlyList<TarSplitEntry> lines)
    {
        try
        {
            return Prove(toc, lines) ? Digest.FromSha256Bytes(_stream.GetHashAndReset()) : null;
        }
        catch (Exception e) when (ZstdChunkedContentCheck.IsUndecodable(e) || MalformedLayerData.Is(e))
        {
            return null;
        }
        finally
        {
            _stream.Dispose();
            _segments.Dispose();
            _decoder?.Dispose();
        }
    }

    private bool Prove(IReadOnlyList<ZstdChunkedTocEntry> toc, IReadOnlyList<TarSplitEntry> lines)
    {
        var content = new ZstdChunkedContentCheck(blob, _failures, _decoder);
        var layout = content.Layout(toc);
        if (_failures.Count > 0) return false;
        var files = new Dictionary<string, (ZstdChunkedTocEntry File, List<ZstdChunkedContentCheck.Piece> Pieces)>(StringComparer.Ordinal);
        foreach (var file in layout)
        {
            if (!files.TryAdd(file.File.Name, file)) return false;
        }

        var checkedFiles = 0;
        foreach (var line in lines)
        {
            switch (line.Type)
            {
                case TarSplitEntry.SegmentType:
                    if (line.Payload is { Length: > 0 } payload) _segments.Write(payload);
                    break;
                case TarSplitEntry.FileType when line.Size != 0:
                    if (!files.TryGetValue(line.Name ?? "", out var file) || !FileContent(file.File, file.Pieces, line)) return false;
                    checkedFiles++;
                    break;
                case TarSplitEntry.FileType:
                    break;
                default:
                    return false;
            }
        }
        // Every file of the TOC was checked once, in tar-split order; then the rest of the blob (headers, the TOC, tar-split and footer frames).
        return checkedFiles == files.Count && Gap(blob.Length);
    }

    private bool FileContent(ZstdChunkedTocEntry file, List<ZstdChunkedContentCheck.Piece> pieces, TarSplitEntry line)
    {
        var first = pieces[0].Offset;
        var end = pieces[^1].End;
        if (first < _cursor || end > blob.Length || !Gap(first)) return false;
        var crc = Crc64Iso.Create();
        long copied = 0;
        var passed = new ZstdChunkedContentCheck(blob, _failures, _decoder).CheckFile(file, pieces, bytes =>
        {
            _stream.AppendData(bytes);
            crc.Append(bytes);
            copied += bytes.Length;
        });
        _cursor = end;
        if (!passed || _failures.Count > 0 || copied != line.Size) return false;
        Span<byte> sum = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(sum, crc.GetCurrentHashAsUInt64());
        return line.Payload is not null && sum.SequenceEqual(line.Payload);
    }

    /// <summary>
    /// Decodes <c>[cursor, end)</c> on its own into the whole stream's hash (throwing when it does not end on a frame boundary); true when it
    /// is exactly the tar-split segments read since the last file.
    /// </summary>
    private bool Gap(long end)
    {
        var expected = _segments.GetBuffer().AsSpan(0, (int)_segments.Length);
        var matched = 0;
        if (end > _cursor)
        {
            using var decoder = ZstdChunkedContentCheck.OpenRange(blob, _cursor, end, _decoder);
            int n;
            while ((n = decoder.Read(_buffer)) > 0)
            {
                if (n > expected.Length - matched || !_buffer.AsSpan(0, n).SequenceEqual(expected.Slice(matched, n))) return false;
                _stream.AppendData(_buffer, 0, n);
                matched += n;
            }
            _cursor = end;
        }
        _segments.SetLength(0);
        return matched == expected.Length;
    }
}
