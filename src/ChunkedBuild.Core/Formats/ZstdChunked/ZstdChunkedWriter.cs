using System.Buffers;
using System.Security.Cryptography;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats.Chunking;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// One zstd:chunked conversion (docs/formats.md §1.10). The calling thread parses the tar, runs the chunker and cuts frames;
/// <see cref="OrderedFramePipeline"/> compresses them on all cores and writes them in order; its writer thread hashes
/// the stream (DiffID), each file and each multi-frame chunk. Frames are independent, so bytes never depend on the
/// thread count. Every frame starts and ends exactly where docs/formats.md §1.3 says: metadata frames hold header bytes and
/// padding, payload frames hold only file bytes, one or more frames per chunk.
/// </summary>
internal sealed class ZstdChunkedWriter : IChunkSink
{
    /// <summary>A chunk longer than this is written as several consecutive frames (readers decode across them).</summary>
    private const int MaxPayloadFrameInput = 4 << 20;
    /// <summary>Header bytes between two payloads are cut into frames of at most this size.</summary>
    private const int MaxMetadataFrameInput = 1 << 20;
    /// <summary>Payload read size; also the tar-split segment size for bytes after the end-of-archive blocks (tar-split's).</summary>
    private const int ReadBlockSize = 1 << 20;
    /// <summary>Output buffer of the tar-split compressor.</summary>
    private const int TarSplitOutputBuffer = 16 << 10;
    /// <summary>
    /// The size the tar-split compressor plans its tables for (<c>ZSTD_c_srcSizeHint</c>; the stream's real size is not known up front).
    /// Without a hint libzstd sizes them for an unbounded input, which at level 12 means tens of MiB set up per layer (~0.15 s of CPU for
    /// a one-file layer); a tar-split is ~0.5 KiB of JSON per entry, so 256 KiB tables fit the common layer and cost a larger one a few
    /// percent of its tar-split's (already small) size. Part of the bytes: changing it needs a new <see cref="ZstdChunkedFormat.OutputVersion"/>.
    /// </summary>
    private const int TarSplitSizeHint = 256 << 10;
    /// <summary>
    /// First capacity of the frame accumulators, below the large-object heap threshold (85,000 bytes): they grow to the frame sizes above
    /// only when a layer needs it, so a layer of small files allocates no multi-MiB buffers (fresh ones per layer made full collections
    /// of the whole heap run once per layer, a cost that grows with the layer count).
    /// </summary>
    private const int InitialAccumulatorCapacity = 64 << 10;

    private readonly FormatOptions _options;
    private readonly int _level;
    private readonly List<(ZstdChunkedTocEntry Entry, FileState? File)> _toc = [];
    private readonly ContentDefinedChunker _chunker;
    private OrderedFramePipeline? _pipeline;
    private byte[]? _meta;
    private int _metaLength;
    private int _metaCapacity = InitialAccumulatorCapacity;
    private byte[]? _frame;
    private int _frameLength;
    private int _frameCapacity = InitialAccumulatorCapacity;
    private FileState? _file;
    private ChunkState? _chunk;

    // Writer-thread state (touched only inside OnWritten and after Complete).
    private readonly IncrementalHash _diffIdHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private FileState? _hashedFile;
    private long _uncompressedLength;

    public ZstdChunkedWriter(FormatOptions options)
    {
        _options = options;
        _level = options.Level ?? ZstdChunkedSpec.DefaultLevel;
        if (_level is < ZstdChunkedSpec.MinLevel or > ZstdChunkedSpec.MaxLevel)
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"zstd level {_level} is out of range ({ZstdChunkedSpec.MinLevel}..{ZstdChunkedSpec.MaxLevel})");
        if (options.DegreeOfParallelism < 1)
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"degree of parallelism {options.DegreeOfParallelism} must be at least 1");
        _chunker = new ContentDefinedChunker(this);
    }

    public LayerWriteResult Run(Stream tar, Stream destination, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        using var blob = new HashingWriteStream(destination);
        var tarSplitCompressed = new MemoryStream();
        long tarSplitLength;
        using (_pipeline = new OrderedFramePipeline(blob, ZstdEncoders.Factory(_level, _options.ManagedZstd), _options.DegreeOfParallelism, OnWritten))
        {
            // A small output buffer (the bytes do not depend on it): the default ~128 KiB one is a large array on this thread of its own.
            using (var tarSplitZstd = new ZstdSharp.CompressionStream(tarSplitCompressed, _level, TarSplitOutputBuffer, leaveOpen: true))
            {
                tarSplitZstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_experimentalParam7, TarSplitSizeHint); // zstd.h: ZSTD_c_srcSizeHint
                var tarSplit = new TarSplitWriter(tarSplitZstd);
                using var reader = new RawTarReader(tar, leaveOpen: true);
                ConvertEntries(reader, tarSplit, cancellationToken);
                CopyEndOfArchive(reader, tarSplit);
                if (reader.EndOfArchiveSynthesized)
                    warnings.Add("the input tar lacked (part of) its end-of-archive marker; the missing zero bytes were added, so the DiffID is that of the completed tar");
                tarSplitLength = tarSplit.BytesWritten;
            }
            SubmitMetadata();
            _pipeline.Complete();
        }
        FinishFileHash();

        var tarSplitBytes = tarSplitCompressed.ToArray();
        var tarSplitDigest = Digest.Sha256Of(tarSplitBytes);
        var tocJson = ZstdChunkedTocSerializer.Serialize(BuildTocEntries(), tarSplitDigest.ToString());
        var tocBytes = ZstdEncoders.Compress(tocJson, _level, _options.ManagedZstd);
        if (tocBytes.Length > ZstdChunkedSpec.BroadlyCompatibleTocSize || tocJson.Length > ZstdChunkedSpec.BroadlyCompatibleTocSize)
            warnings.Add($"the TOC is larger than 50 MiB ({tocJson.Length} bytes); readers older than containers/storage 1.57.1 will fully pull this layer");

        var toc = new ZstdChunkedPosition(blob.BytesWritten + SkippableFrame.HeaderLength, tocBytes.Length, tocJson.Length);
        SkippableFrame.Write(blob, tocBytes);
        var split = new ZstdChunkedPosition(blob.BytesWritten + SkippableFrame.HeaderLength, tarSplitBytes.Length, tarSplitLength);
        SkippableFrame.Write(blob, tarSplitBytes);
        SkippableFrame.Write(blob, new ZstdChunkedFooter(toc, split).ToBytes());
        blob.Flush();

        var tocDigest = Digest.Sha256Of(tocBytes);
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [ZstdChunkedSpec.ManifestChecksumAnnotation] = tocDigest.ToString(),
            [ZstdChunkedSpec.ManifestPositionAnnotation] = toc.ToManifestPosition(),
            [ZstdChunkedSpec.TarSplitPositionAnnotation] = split.ToTarSplitPosition(),
        };
        return new LayerWriteResult
        {
            MediaType = ZstdChunkedSpec.MediaType,
            Digest = blob.CurrentDigest(),
            Size = blob.BytesWritten,
            DiffId = Digest.FromSha256Bytes(_diffIdHash.GetHashAndReset()),
            UncompressedSize = _uncompressedLength,
            TocDigest = tocDigest,
            Annotations = annotations,
            Warnings = warnings,
        };
    }

    private void ConvertEntries(RawTarReader reader, TarSplitWriter tarSplit, CancellationToken cancellationToken)
    {
        var rules = new EntryRules(_options.LayerName);
        // Rented at the size the largest payload so far needs (up to the read size): each read asks for what it always did, and a layer
        // of small files rents no 1 MiB block (this thread is the format's own, so the shared pool would not keep it for the next layer).
        byte[] block = [];
        try
        {
            while (reader.ReadNext() is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                rules.Check(entry);
                tarSplit.AddSegment(entry.RawPrefix.Span);
                AppendMetadata(entry.RawPrefix.Span);
                var tocEntry = ZstdChunkedTocEntry.FromHeader(entry.Info);
                if (entry.Info.Size == 0)
                {
                    tarSplit.AddFile(entry.Info, null);
                    _toc.Add((tocEntry, null));
                    continue;
                }
                SubmitMetadata(); // a payload frame starts exactly at the first payload byte
                if (block.Length < Math.Min(ReadBlockSize, entry.Info.Size))
                {
                    if (block.Length > 0) ArrayPool<byte>.Shared.Return(block);
                    block = ArrayPool<byte>.Shared.Rent((int)Math.Min(ReadBlockSize, entry.Info.Size));
                }
                _file = new FileState();
                var crc = Crc64Iso.Create();
                long remaining = entry.Info.Size;
                while (remaining > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested(); // a big file must not delay a cancellation until its end
                    var n = reader.ReadData(block.AsSpan(0, (int)Math.Min(block.Length, remaining)));
                    if (n == 0)
                        throw new ChunkedBuildException(ErrorCodes.TarTruncated,
                            $"entry '{entry.Info.Name}': the tar ended {remaining} bytes before the end of its payload", entry.Info.Name, _options.LayerName);
                    crc.Append(block.AsSpan(0, n));
                    _chunker.Write(block.AsSpan(0, n));
                    remaining -= n;
                }
                _chunker.Finish();
                tarSplit.AddFile(entry.Info, crc.GetCurrentHashAsUInt64());
                _toc.Add((tocEntry, _file));
                _file = null;
            }
        }
        finally
        {
            if (block.Length > 0) ArrayPool<byte>.Shared.Return(block);
        }
    }

    /// <summary>End segment (last padding + two zero blocks) and every byte after it go to tar-split and the last frame.</summary>
    private void CopyEndOfArchive(RawTarReader reader, TarSplitWriter tarSplit)
    {
        tarSplit.AddSegment(reader.EndOfArchive.Span);
        AppendMetadata(reader.EndOfArchive.Span);
        // Zero record padding is kept; anything else would become a tar-split segment that readers try to parse as a header.
        ArchiveRemainder.Read(reader, _options.LayerName, "containers/storage's tar-split iteration would fail on them", bytes =>
        {
            tarSplit.AddSegment(bytes);
            AppendMetadata(bytes);
        });
    }

    // ---- IChunkSink: called by the chunker for the current file ----

    void IChunkSink.Data(ReadOnlySpan<byte> bytes)
    {
        var chunk = CurrentChunk();
        chunk.Size += bytes.Length;
        while (!bytes.IsEmpty)
        {
            var take = ReservePayload(bytes.Length);
            bytes[..take].CopyTo(_frame.AsSpan(_frameLength));
            _frameLength += take;
            bytes = bytes[take..];
        }
    }

    void IChunkSink.Zeros(long count)
    {
        var chunk = CurrentChunk();
        chunk.Size += count;
        while (count > 0)
        {
            var take = ReservePayload((int)Math.Min(count, MaxPayloadFrameInput));
            _frame.AsSpan(_frameLength, take).Clear();
            _frameLength += take;
            count -= take;
        }
    }

    void IChunkSink.EndChunk(ChunkType type)
    {
        var chunk = CurrentChunk();
        chunk.Type = type;
        SubmitPayload(chunk, last: true);
        _chunk = null;
    }

    private ChunkState CurrentChunk()
    {
        if (_chunk is not null) return _chunk;
        var file = _file ?? throw new InvalidOperationException("chunk data outside a file");
        _chunk = new ChunkState(file, file.Chunks.Count == 0 ? 0 : file.Chunks[^1].ChunkOffset + file.Chunks[^1].Size);
        file.Chunks.Add(_chunk);
        return _chunk;
    }

    /// <summary>Makes room in the payload frame buffer; a full buffer is sent as a non-final frame of the chunk.</summary>
    private int ReservePayload(int wanted)
    {
        if (_frame is not null && _frameLength == MaxPayloadFrameInput) SubmitPayload(_chunk!, last: false);
        var room = Accumulate(ref _frame, _frameLength, wanted, MaxPayloadFrameInput, ref _frameCapacity);
        return Math.Min(wanted, room);
    }

    private void SubmitPayload(ChunkState chunk, bool last)
    {
        var first = chunk.FramesSubmitted == 0;
        chunk.FramesSubmitted++;
        var buffer = Detach(ref _frame, _frameLength);
        var length = _frameLength;
        _frameLength = 0;
        _pipeline!.Submit(buffer, length, new FrameTag(chunk, first, last), hashInput: first && last);
    }

    private void AppendMetadata(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_meta is not null && _metaLength == MaxMetadataFrameInput) SubmitMetadata();
            var take = Math.Min(bytes.Length, Accumulate(ref _meta, _metaLength, bytes.Length, MaxMetadataFrameInput, ref _metaCapacity));
            bytes[..take].CopyTo(_meta.AsSpan(_metaLength));
            _metaLength += take;
            bytes = bytes[take..];
        }
    }

    private void SubmitMetadata()
    {
        if (_meta is null || _metaLength == 0) return;
        var length = _metaLength;
        var buffer = Detach(ref _meta, length);
        _metaLength = 0;
        _pipeline!.Submit(buffer, length, tag: null, hashInput: false);
    }

    /// <summary>
    /// Makes room in an accumulator holding <paramref name="length"/> bytes (fewer than <paramref name="max"/>) for up to
    /// <paramref name="wanted"/> more: it is rented at <paramref name="capacity"/> and doubled (never past <paramref name="max"/>) when
    /// full; <paramref name="capacity"/> keeps the size reached, so that later frames of a big layer start there. Returns the room, at least 1.
    /// Where frames are cut depends only on <paramref name="max"/>, never on the capacity.
    /// </summary>
    private int Accumulate(ref byte[]? accumulator, int length, int wanted, int max, ref int capacity)
    {
        var room = Math.Min(accumulator?.Length ?? 0, max) - length;
        if (room >= Math.Min(wanted, max - length) && room > 0) return room;
        capacity = Math.Min(max, Math.Max(capacity, Math.Max(length + wanted, 2 * (accumulator?.Length ?? 0))));
        var grown = _pipeline!.Buffers.Rent(capacity);
        if (accumulator is not null)
        {
            accumulator.AsSpan(0, length).CopyTo(grown);
            _pipeline.Buffers.Return(accumulator);
        }
        accumulator = grown;
        return Math.Min(grown.Length, max) - length;
    }

    /// <summary>
    /// Hands a filled accumulator to the pipeline. Most frames (chunks average 64 KiB) use a fraction of it: those are
    /// copied into a right-sized buffer and the accumulator is kept, so the memory in flight is what the frames need.
    /// </summary>
    private byte[] Detach(ref byte[]? accumulator, int length)
    {
        var full = accumulator!;
        if (length > full.Length / 2)
        {
            accumulator = null;
            return full;
        }
        var exact = _pipeline!.Buffers.Rent(length);
        full.AsSpan(0, length).CopyTo(exact);
        return exact;
    }

    // ---- writer thread ----

    private void OnWritten(FrameWritten frame)
    {
        var input = frame.Input.Span;
        _diffIdHash.AppendData(input);
        _uncompressedLength += input.Length;
        if (frame.Tag is not FrameTag tag) return;
        var chunk = tag.Chunk;
        if (!ReferenceEquals(chunk.File, _hashedFile))
        {
            FinishFileHash();
            _hashedFile = chunk.File;
        }
        _fileHash.AppendData(input);
        if (tag.First) chunk.Offset = frame.Offset;
        chunk.End = frame.Offset + frame.CompressedLength;
        if (tag.First && tag.Last)
        {
            chunk.Sha256 = frame.InputSha256;
            return;
        }
        _chunkHash.AppendData(input);
        if (tag.Last) chunk.Sha256 = _chunkHash.GetHashAndReset();
    }

    private void FinishFileHash()
    {
        if (_hashedFile is null) return;
        _hashedFile.Sha256 = _fileHash.GetHashAndReset();
        _hashedFile = null;
    }

    /// <summary>The TOC in tar order; a file cut into ≥ 2 chunks gets chunk fields on its entry and one entry per further chunk.</summary>
    private List<ZstdChunkedTocEntry> BuildTocEntries()
    {
        var entries = new List<ZstdChunkedTocEntry>(_toc.Count);
        foreach (var (entry, file) in _toc)
        {
            entries.Add(entry);
            if (file is null) continue;
            entry.Digest = Digest.FromSha256Bytes(file.Sha256!).ToString();
            entry.Offset = file.Chunks[0].Offset;
            entry.EndOffset = file.Chunks[^1].End;
            if (file.Chunks.Count < 2) continue;
            for (var i = 0; i < file.Chunks.Count; i++)
            {
                var c = file.Chunks[i];
                var target = i == 0 ? entry : new ZstdChunkedTocEntry { Type = TocEntryTypes.Chunk, Name = entry.Name };
                target.Offset = c.Offset;
                target.ChunkSize = c.Size;
                target.ChunkOffset = c.ChunkOffset;
                target.ChunkDigest = Digest.FromSha256Bytes(c.Sha256!).ToString();
                target.ChunkType = c.Type == ChunkType.Zeros ? ZstdChunkedSpec.ZerosChunkType : "";
                if (i > 0) entries.Add(target);
            }
        }
        return entries;
    }

    private sealed class FileState
    {
        public List<ChunkState> Chunks { get; } = [];
        public byte[]? Sha256 { get; set; }
    }

    private sealed class ChunkState(FileState file, long chunkOffset)
    {
        public FileState File { get; } = file;
        public long ChunkOffset { get; } = chunkOffset;
        public long Size { get; set; }
        public ChunkType Type { get; set; }
        public int FramesSubmitted { get; set; }
        public long Offset { get; set; }
        public long End { get; set; }
        public byte[]? Sha256 { get; set; }
    }

    private sealed record FrameTag(ChunkState Chunk, bool First, bool Last);
}
