using System.Numerics;
using System.Security.Cryptography;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// Cuts the uncompressed eStargz tar stream into gzip members (docs/formats.md §3.1) and sends them through
/// <see cref="OrderedFramePipeline"/>. A member starts at the blob start, at every payload chunk (non-empty regular file
/// or 4 MiB piece), and — to bound a member's size when many header-only entries follow each other — at an entry
/// boundary once a member holds more than <see cref="MaxMetadataPerMember"/> metadata bytes. The tar padding and the
/// following headers trail in the member of the previous payload. The pipeline's writer thread fills each chunk's
/// <c>offset</c>, <c>chunkDigest</c> and the file <c>digest</c>, and hashes the whole stream (DiffID).
/// Member boundaries depend only on the input, so the output never depends on the thread count.
/// </summary>
internal sealed class EStargzMemberWriter : IDisposable
{
    /// <summary>Metadata bytes after which the next entry header starts a new member (readers only need payload starts).</summary>
    public const int MaxMetadataPerMember = 1 << 20;
    /// <summary>
    /// Room reserved after a file's last chunk for the padding and headers that trail it (more grows the buffer). Small enough that a
    /// small file's member fits <see cref="MinBufferSize"/>, below the large-object heap threshold: a pool of its own per layer means
    /// fresh arrays per layer, and large ones made full collections of the whole heap run once per layer.
    /// </summary>
    private const int TrailingMetadataReserve = 16 << 10;
    private const int MinBufferSize = 64 << 10;

    private readonly OrderedFramePipeline _pipeline;
    private byte[]? _buffer;
    private int _length;
    private int _metadataLength;
    private ChunkTag? _tag;

    // Writer-thread state (touched only in OnWritten, and read after Finish).
    private readonly IncrementalHash _diffIdHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _uncompressedLength;

    /// <summary>Creates the writer; <paramref name="blob"/> receives the members from offset 0, deflated by <paramref name="engine"/>.</summary>
    public EStargzMemberWriter(Stream blob, int level, string engine, int degreeOfParallelism, long chunkSize)
    {
        // In-flight memory counts buffer capacity: room for each worker's member plus two waiting to be written.
        var member = (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Min(chunkSize + TrailingMetadataReserve, int.MaxValue));
        var inFlight = Math.Max(16L << 20, member * (degreeOfParallelism + 2));
        _pipeline = new OrderedFramePipeline(blob, () => new GzipMemberEncoder(level, engine), degreeOfParallelism, OnWritten, inFlight);
    }

    /// <summary>Length of the uncompressed stream written so far (valid after <see cref="Finish"/>).</summary>
    public long UncompressedLength => _uncompressedLength;

    /// <summary>Marks the start of an entry's header: cuts a new member when the current one holds much metadata.</summary>
    public void BeginEntry()
    {
        if (_metadataLength >= MaxMetadataPerMember) Submit();
    }

    /// <summary>Appends header, padding or other non-payload bytes to the current member.</summary>
    public void AppendMetadata(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
        _metadataLength += bytes.Length;
    }

    /// <summary>
    /// Starts a new member whose first bytes are the <paramref name="length"/> payload bytes of <paramref name="target"/>
    /// (the file's <c>reg</c> entry or a <c>chunk</c> entry of <paramref name="file"/>); returns the span to fill with them.
    /// </summary>
    public Span<byte> StartChunk(EStargzTocEntry target, EStargzTocEntry file, int length, bool first, bool last)
    {
        Submit();
        _tag = new ChunkTag(target, file, length, first, last);
        // Only a file's last piece is followed by padding and headers; a full inner chunk gets an exact (power-of-two) buffer.
        _buffer = _pipeline.Buffers.Rent(Math.Max(MinBufferSize, length + (last ? TrailingMetadataReserve : 0)));
        _length = length;
        return _buffer.AsSpan(0, length);
    }

    /// <summary>Sends the last member and waits until every member is written and every digest is known.</summary>
    public void Finish()
    {
        Submit();
        _pipeline.Complete();
    }

    /// <summary>After <see cref="Finish"/>: adds bytes written outside the pipeline (the TOC member) and returns the DiffID.</summary>
    public Digest FinishDiffId(ReadOnlySpan<byte> tail)
    {
        _diffIdHash.AppendData(tail);
        _uncompressedLength += tail.Length;
        return Digest.FromSha256Bytes(_diffIdHash.GetHashAndReset());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _pipeline.Dispose();
        if (_buffer is not null) _pipeline.Buffers.Return(_buffer);
        _buffer = null;
        _diffIdHash.Dispose();
        _fileHash.Dispose();
    }

    private void Ensure(int more)
    {
        var needed = (long)_length + more;
        if (_buffer is not null && needed <= _buffer.Length) return;
        if (needed > Array.MaxLength) throw new InvalidOperationException("a gzip member outgrew the largest array");
        var grown = _pipeline.Buffers.Rent((int)Math.Min(Array.MaxLength, Math.Max(needed, Math.Max(MinBufferSize, 2L * (_buffer?.Length ?? 0)))));
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, _length).CopyTo(grown);
            _pipeline.Buffers.Return(_buffer);
        }
        _buffer = grown;
    }

    private void Submit()
    {
        if (_buffer is null || _length == 0) return;
        var buffer = _buffer;
        var length = _length;
        var tag = _tag;
        _buffer = null;
        _length = 0;
        _metadataLength = 0;
        _tag = null;
        _pipeline.Submit(buffer, length, tag, hashInput: false);
    }

    // ---- writer thread ----

    private void OnWritten(FrameWritten member)
    {
        var input = member.Input.Span;
        _diffIdHash.AppendData(input);
        _uncompressedLength += input.Length;
        if (member.Tag is not ChunkTag tag) return;
        var data = input[..tag.Length];
        tag.Target.Offset = member.Offset;
        tag.Target.ChunkDigest = Digest.FromSha256Bytes(SHA256.HashData(data)).ToString();
        if (tag.First && tag.Last)
        {
            tag.File.Digest = tag.Target.ChunkDigest;
            return;
        }
        _fileHash.AppendData(data);
        if (tag.Last) tag.File.Digest = Digest.FromSha256Bytes(_fileHash.GetHashAndReset()).ToString();
    }

    /// <summary>What a payload member carries to the writer thread.</summary>
    private sealed record ChunkTag(EStargzTocEntry Target, EStargzTocEntry File, int Length, bool First, bool Last);
}
