using System.Text;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// tar-split's <c>asm.IterateHeaders</c>: re-parses each entry's header from the segment before its file line (after
/// stripping the previous file's expected padding) and pairs it with the file line. Any other grouping fails, as it
/// does in containers/storage.
/// </summary>
/// <remarks>
/// Per segment, as Go does: the first <c>ExpectedPadding</c> bytes of the previous header are dropped (fewer bytes is
/// an error), and the rest is read with a fresh tar reader. An end-of-archive result (no bytes, one zero block, or
/// two zero blocks — anything after them is not looked at) yields nothing; an error fails. Stricter than Go, which
/// ignores the pairing: a parsed header must be the whole rest of its segment and must be followed by a file line
/// with the same name and size, and every file line must follow a header segment.
/// </remarks>
public static class TarSplitHeaders
{
    /// <summary>Yields (file line, parsed header) for every file line; throws CHB1301 when a segment is not exactly one header.</summary>
    public static IEnumerable<(TarSplitEntry File, TarEntryInfo Header)> Iterate(IEnumerable<TarSplitEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return IterateCore(entries);
    }

    private static IEnumerable<(TarSplitEntry File, TarEntryInfo Header)> IterateCore(IEnumerable<TarSplitEntry> entries)
    {
        long pendingPadding = 0;
        TarEntryInfo? pendingHeader = null;
        foreach (var entry in entries)
        {
            switch (entry.Type)
            {
                case TarSplitEntry.SegmentType:
                {
                    if (pendingHeader is not null)
                        throw Invalid(entry, $"the header of '{pendingHeader.Name}' is not followed by its file line");
                    var payload = entry.Payload ?? [];
                    if (payload.Length < pendingPadding)
                        throw Invalid(entry, $"expected {pendingPadding} bytes of padding after the previous file, but the segment only has {payload.Length} bytes");
                    var (header, padding) = ParseSegment(payload, (int)pendingPadding, entry);
                    pendingPadding = 0;
                    if (header is null) break;
                    pendingHeader = header;
                    pendingPadding = padding;
                    break;
                }
                case TarSplitEntry.FileType:
                {
                    var name = TarSplitAssembler.DisplayName(entry);
                    if (pendingHeader is null)
                        throw Invalid(entry, $"the file line for '{name}' is not preceded by a header segment");
                    var fileNameBytes = entry.NameRaw is { Length: > 0 } raw ? raw : Encoding.UTF8.GetBytes(entry.Name ?? "");
                    if (!fileNameBytes.AsSpan().SequenceEqual(pendingHeader.NameBytes) || entry.Size != pendingHeader.Size)
                        throw Invalid(entry, $"the file line ('{name}', size {entry.Size}) does not match its header ('{pendingHeader.Name}', size {pendingHeader.Size})");
                    yield return (entry, pendingHeader);
                    pendingHeader = null;
                    break;
                }
                default:
                    throw Invalid(entry, $"unexpected tar-split entry type {entry.Type}");
            }
        }
        if (pendingHeader is not null)
            throw new ChunkedBuildException(ErrorCodes.ValidationFailed, $"tar-split ends after the header of '{pendingHeader.Name}' without its file line");
    }

    /// <summary>Parses one header (with extensions) from a segment; null header at an end-of-archive marker.</summary>
    private static (TarEntryInfo? Header, int Padding) ParseSegment(byte[] payload, int start, TarSplitEntry entry)
    {
        try
        {
            using var stream = new MemoryStream(payload, start, payload.Length - start, writable: false);
            using var reader = new RawTarReader(stream, leaveOpen: true, limits: null, bufferSize: Math.Min(payload.Length - start, 64 * 1024));
            var parsed = reader.ReadNext();
            if (parsed is null)
            {
                // Go's reader reports io.EOF here too (empty rest, one or two zero blocks, end inside a record's padding).
                return (null, 0);
            }
            if (!reader.AtEndOfInput)
                throw Invalid(entry, $"the segment holding the header of '{parsed.Info.Name}' has bytes after the header");
            return (parsed.Info, parsed.PaddingLength);
        }
        catch (ChunkedBuildException e) when (e.Code != ErrorCodes.ValidationFailed)
        {
            throw Invalid(entry, "decoding a tar header from a tar-split segment failed: " + e.Message, e);
        }
    }

    private static ChunkedBuildException Invalid(TarSplitEntry entry, string reason, Exception? inner = null) =>
        new(ErrorCodes.ValidationFailed, $"tar-split line {entry.Position}: {reason}", innerException: inner);
}
