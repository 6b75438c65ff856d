using System.Buffers;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// One eStargz conversion (docs/formats.md §3). Every input entry keeps its header bytes, payload and padding verbatim
/// (lossless, like estargz's <c>AppendTarLossLess</c>); only the landmark and <c>stargz.index.json</c> headers are
/// generated. Without prioritized files the input streams straight through after <c>.no.prefetch.landmark</c>; with
/// them the input is spooled to a temporary file once, then emitted in the prioritized order followed by
/// <c>.prefetch.landmark</c> and the rest. Then come the TOC member and the 51-byte footer.
/// </summary>
internal sealed class EStargzWriter
{
    private const int CopyBlockSize = 1 << 20;

    private delegate int PayloadReader(Span<byte> buffer);

    private readonly FormatOptions _options;
    private readonly int _level;
    private readonly List<EStargzTocEntry> _toc = [];
    private readonly EStargzTocEntryFactory _factory = new();
    private readonly List<string> _warnings = [];
    private EStargzMemberWriter? _members;
    private CancellationToken _cancellation;

    public EStargzWriter(FormatOptions options)
    {
        _options = options;
        _level = options.Level ?? EStargzSpec.DefaultLevel;
        if (_level is < EStargzSpec.MinLevel or > EStargzSpec.MaxLevel)
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"gzip level {_level} is out of range ({EStargzSpec.MinLevel}..{EStargzSpec.MaxLevel})", layer: options.LayerName);
        if (options.ChunkSize is < 1 or > EStargzSpec.MaxChunkSize)
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"eStargz chunk size {options.ChunkSize} is out of range (1..{EStargzSpec.MaxChunkSize})", layer: options.LayerName);
        if (options.DegreeOfParallelism < 1)
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"degree of parallelism {options.DegreeOfParallelism} must be at least 1", layer: options.LayerName);
    }

    private EStargzMemberWriter Members => _members ?? throw new InvalidOperationException("no conversion running");

    public LayerWriteResult Run(Stream tar, Stream destination, CancellationToken cancellationToken)
    {
        try
        {
            return RunCore(tar, destination, cancellationToken);
        }
        catch (ChunkedBuildException e) when (e.Layer is null && _options.LayerName is not null)
        {
            throw e.WithLayer(_options.LayerName);
        }
    }

    private LayerWriteResult RunCore(Stream tar, Stream destination, CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken;
        using var blob = new HashingWriteStream(destination);
        var engine = _options.DeflateEngine ?? DeflateEngines.EngineFor(_level);
        using var members = _members = new EStargzMemberWriter(blob, _level, engine, _options.DegreeOfParallelism, _options.ChunkSize);
        using (var reader = new RawTarReader(tar, leaveOpen: true))
        {
            if (_options.PrioritizedFiles.Count == 0)
            {
                EmitLandmark(EStargzSpec.NoPrefetchLandmark);
                StreamEntries(reader, cancellationToken);
            }
            else
            {
                ReorderEntries(reader, cancellationToken);
            }
        }
        members.Finish();

        var tocJson = EStargzTocSerializer.Serialize(_toc);
        if (tocJson.Length > EStargzSpec.MaxTocSize)
            _warnings.Add($"the TOC is {tocJson.Length} bytes; containers/storage refuses TOCs over 150 MiB and pulls such a layer fully");
        var tocTar = TocTar(tocJson);
        var tocOffset = blob.BytesWritten;
        var tocMember = new ArrayBufferWriter<byte>(tocTar.Length / 2 + 1024);
        using (var encoder = new GzipMemberEncoder(_level, engine)) encoder.Encode(tocTar, tocMember);
        blob.Write(tocMember.WrittenSpan);
        blob.Write(EStargzFooter.Create(tocOffset));
        blob.Flush();

        var diffId = members.FinishDiffId(tocTar);
        var tocDigest = Digest.Sha256Of(tocJson);
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [EStargzSpec.TocDigestAnnotation] = tocDigest.ToString(),
            [EStargzSpec.UncompressedSizeAnnotation] = members.UncompressedLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return new LayerWriteResult
        {
            MediaType = EStargzSpec.MediaType,
            Digest = blob.CurrentDigest(),
            Size = blob.BytesWritten,
            DiffId = diffId,
            UncompressedSize = members.UncompressedLength,
            TocDigest = tocDigest,
            Annotations = annotations,
            Warnings = _warnings,
        };
    }

    // ---- input without prioritized files: one pass, straight through ----

    private void StreamEntries(RawTarReader reader, CancellationToken cancellationToken)
    {
        var rules = new EntryRules(_options.LayerName);
        RawTarEntry? last = null;
        var lastKept = true;
        while (reader.ReadNext() is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rules.Check(entry);
            // the previous entry's padding arrives with this entry; it stays only if that entry did
            if (lastKept) Members.AppendMetadata(entry.RawPrefix.Span[..entry.PrecedingPaddingLength]);
            last = entry;
            lastKept = !IsDropped(entry.Info);
            if (lastKept) EmitEntry(entry.Info, entry.HeaderBytes.Span, reader.ReadData);
        }
        if (last is not null && lastKept) Members.AppendMetadata(LastPadding(reader, last));
        ReadRemainder(reader);
    }

    /// <summary>Reads the input to its end after the end marker: zero padding is dropped, anything else refused (<see cref="ArchiveRemainder"/>).</summary>
    private void ReadRemainder(RawTarReader reader) =>
        ArchiveRemainder.Read(reader, _options.LayerName, "an eStargz layer cannot carry them (its TOC entry follows the last entry), so they would be lost");

    // ---- input with prioritized files: spool once, then emit in the new order ----

    private void ReorderEntries(RawTarReader reader, CancellationToken cancellationToken)
    {
        using (var spool = SpoolFile.Create(_options.TempDirectory, _options.SpoolLimit ?? SpoolLimits.Floor,
            "reordering the entries (prioritized files first)"))
        {
            var entries = Spool(reader, spool, cancellationToken);
            var order = EStargzEntryOrder.Arrange(entries.Select(e => e.Info).ToList(), _options.PrioritizedFiles);
            foreach (var missing in order.Missing)
                _warnings.Add($"prioritized file '{missing}' is not in the layer");
            foreach (var index in order.Prioritized)
            {
                cancellationToken.ThrowIfCancellationRequested();
                EmitSpooled(spool, entries[index]);
            }
            EmitLandmark(EStargzSpec.PrefetchLandmark);
            foreach (var index in order.Rest)
            {
                cancellationToken.ThrowIfCancellationRequested();
                EmitSpooled(spool, entries[index]);
            }
        }
    }

    /// <summary>Copies the tar into <paramref name="spool"/> byte for byte (offsets equal tar offsets) and indexes the kept entries.</summary>
    private List<SpooledEntry> Spool(RawTarReader reader, SpoolFile spool, CancellationToken cancellationToken)
    {
        var rules = new EntryRules(_options.LayerName);
        var entries = new List<SpooledEntry>();
        RawTarEntry? last = null;
        var block = ArrayPool<byte>.Shared.Rent(CopyBlockSize);
        try
        {
            while (reader.ReadNext() is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                rules.Check(entry);
                spool.Write(entry.RawPrefix.Span);
                var dataOffset = spool.Position;
                for (var remaining = entry.Info.Size; remaining > 0;)
                {
                    var n = reader.ReadData(block.AsSpan(0, (int)Math.Min(block.Length, remaining)));
                    if (n == 0) throw Truncated(entry.Info.Name, remaining);
                    spool.Write(block, 0, n);
                    remaining -= n;
                }
                last = entry;
                if (!IsDropped(entry.Info))
                    entries.Add(new SpooledEntry(entry.Info, dataOffset - entry.HeaderBytes.Length, dataOffset, entry.PaddingLength));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
        if (last is not null) spool.Write(LastPadding(reader, last));
        ReadRemainder(reader);
        return entries;
    }

    private void EmitSpooled(SpoolFile spool, SpooledEntry entry)
    {
        var headerLength = checked((int)(entry.DataOffset - entry.HeaderOffset));
        var header = ArrayPool<byte>.Shared.Rent(Math.Max(headerLength, entry.PaddingLength));
        try
        {
            spool.Position = entry.HeaderOffset;
            spool.ReadExactly(header, 0, headerLength);
            EmitEntry(entry.Info, header.AsSpan(0, headerLength), spool.Read);
            spool.ReadExactly(header, 0, entry.PaddingLength); // the spool is positioned right after the payload
            Members.AppendMetadata(header.AsSpan(0, entry.PaddingLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(header);
        }
    }

    // ---- entries ----

    /// <summary>Header bytes, then the payload cut into chunks (each starting a member); the caller adds the padding.</summary>
    private void EmitEntry(TarEntryInfo info, ReadOnlySpan<byte> header, PayloadReader read)
    {
        Members.BeginEntry();
        Members.AppendMetadata(header);
        var entry = _factory.Create(info);
        _toc.Add(entry);
        if (entry.Type != TocEntryTypes.Regular) return;
        if (info.Size == 0)
        {
            entry.Digest = Digest.EmptySha256.ToString();
            return;
        }
        var chunkSize = _options.ChunkSize;
        for (long done = 0; done < info.Size;)
        {
            _cancellation.ThrowIfCancellationRequested(); // per chunk: a big file must not delay a cancellation until its end
            var length = (int)Math.Min(chunkSize, info.Size - done);
            var target = done == 0 ? entry : new EStargzTocEntry { Name = info.Name, Type = TocEntryTypes.Chunk, ChunkOffset = done };
            if (length == chunkSize) target.ChunkSize = chunkSize; // the last partial piece leaves it out; readers compute it
            if (done > 0) _toc.Add(target);
            var span = Members.StartChunk(target, entry, length, first: done == 0, last: done + length == info.Size);
            Fill(read, span, info.Name, info.Size - done);
            done += length;
        }
    }

    private void EmitLandmark(string name)
    {
        Members.BeginEntry();
        Members.AppendMetadata(EStargzTarHeader.RegularFile(name, 1));
        var entry = new EStargzTocEntry { Name = name, Type = TocEntryTypes.Regular, Size = 1, Mode = EStargzTarHeader.FileMode };
        _toc.Add(entry);
        Members.StartChunk(entry, entry, 1, first: true, last: true)[0] = EStargzSpec.LandmarkContent;
        Span<byte> padding = stackalloc byte[EStargzTarHeader.PaddingFor(1)];
        padding.Clear();
        Members.AppendMetadata(padding);
    }

    private bool IsDropped(TarEntryInfo info)
    {
        if (EStargzLandmark.IsLandmark(info.Name))
        {
            _warnings.Add($"entry '{info.Name}': an existing landmark file was dropped (the converter writes its own)");
            return true;
        }
        if (EStargzLandmark.IsToc(info.Name))
        {
            _warnings.Add($"entry '{info.Name}': an existing eStargz TOC file was dropped (the converter writes a new one)");
            return true;
        }
        return false;
    }

    private static void Fill(PayloadReader read, Span<byte> span, string name, long remainingInFile)
    {
        while (!span.IsEmpty)
        {
            var n = read(span);
            if (n == 0) throw Truncated(name, remainingInFile);
            span = span[n..];
            remainingInFile -= n;
        }
    }

    private static ChunkedBuildException Truncated(string name, long remaining) =>
        new(ErrorCodes.TarTruncated, $"entry '{name}': the tar ended {remaining} bytes before the end of its payload", name);

    /// <summary>The last entry's padding: the start of the reader's end-of-archive bytes.</summary>
    private static ReadOnlySpan<byte> LastPadding(RawTarReader reader, RawTarEntry last)
    {
        var end = reader.EndOfArchive.Span;
        return end[..Math.Min(last.PaddingLength, end.Length)];
    }

    /// <summary>The TOC member's content: a ustar header, the JSON, its padding and the two zero blocks that end the tar.</summary>
    private static byte[] TocTar(byte[] json)
    {
        var header = EStargzTarHeader.RegularFile(EStargzSpec.TocName, json.Length);
        var tar = new byte[header.Length + json.Length + EStargzTarHeader.PaddingFor(json.Length) + 2 * EStargzTarHeader.BlockSize];
        header.CopyTo(tar, 0);
        json.CopyTo(tar, header.Length);
        return tar;
    }

    /// <summary>An input entry kept in the spool: where its header, payload and padding are.</summary>
    private sealed record SpooledEntry(TarEntryInfo Info, long HeaderOffset, long DataOffset, int PaddingLength);
}
