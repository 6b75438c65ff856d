using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>What <see cref="TarSplitter.Split(RawTarReader, TarSplitWriter)"/> saw.</summary>
/// <param name="EntryCount">Number of FileType lines written (one per tar entry).</param>
/// <param name="TarLength">Length of the tar the tar-split describes (the input plus any synthesized end-of-archive bytes).</param>
/// <param name="EndOfArchiveSynthesized">True when the input lacked (part of) its end marker and zeros were supplied.</param>
public sealed record TarSplitSummary(int EntryCount, long TarLength, bool EndOfArchiveSynthesized);

/// <summary>
/// Produces the complete tar-split of a tar, as tar-split's <c>asm.NewInputTarStream</c> does: per entry one segment
/// (previous padding + header blocks) and one file line (CRC-64 of the payload when the size is &gt; 0); then the
/// end-of-archive segment; then every byte after it as segments of at most 1 MiB.
/// </summary>
/// <remarks>
/// Sparse entries are refused (CHB1102): tar-split would checksum the expanded logical data under the logical size,
/// so its reassembly could never reproduce the tar.
/// </remarks>
public static class TarSplitter
{
    /// <summary>tar-split reads what follows the end marker in chunks of this size (<c>paddingChunkSize</c>).</summary>
    public const int TrailingChunkSize = 1024 * 1024;

    /// <summary>Writes the tar-split of the tar in <paramref name="tar"/> to <paramref name="jsonLines"/>.</summary>
    public static TarSplitSummary Split(Stream tar, Stream jsonLines, TarReaderLimits? limits = null)
    {
        using var reader = new RawTarReader(tar, leaveOpen: true, limits);
        return Split(reader, new TarSplitWriter(jsonLines));
    }

    /// <summary>Drives <paramref name="reader"/> (positioned before its first entry) to the end of its input.</summary>
    public static TarSplitSummary Split(RawTarReader reader, TarSplitWriter writer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        var buffer = new byte[TrailingChunkSize];
        var entries = 0;
        while (reader.ReadNext() is { } entry)
        {
            if (entry.Info.IsSparse)
                throw new ChunkedBuildException(ErrorCodes.SparseFile,
                    $"tar entry '{entry.Info.Name}' at offset {entry.HeaderOffset} is a sparse file, which tar-split cannot reassemble", entry.Info.Name);
            if (!entry.RawPrefix.IsEmpty) writer.AddSegment(entry.RawPrefix.Span);
            ulong? crc = null;
            // tar-split checksums whatever the reader yields when the header size is > 0 (nothing for header-only types).
            if (entry.Info.Size > 0)
            {
                var hash = Crc64Iso.Create();
                int n;
                while ((n = reader.ReadData(buffer)) > 0)
                {
                    hash.Append(buffer.AsSpan(0, n));
                }
                crc = hash.GetCurrentHashAsUInt64();
            }
            writer.AddFile(entry.Info, crc);
            entries++;
        }

        var end = reader.EndOfArchive;
        if (!end.IsEmpty) writer.AddSegment(end.Span);
        while (true)
        {
            var filled = 0;
            int n;
            while (filled < buffer.Length && (n = reader.ReadAfterEnd(buffer.AsSpan(filled))) > 0) filled += n;
            if (filled == 0) break;
            writer.AddSegment(buffer.AsSpan(0, filled));
            if (filled < buffer.Length) break;
        }
        return new TarSplitSummary(entries, reader.Position + reader.SynthesizedLength, reader.EndOfArchiveSynthesized);
    }
}
