using System.Globalization;
using System.Text;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// The header blocks of a sparse entry rewritten as a regular file of its logical size. Everything else the headers
/// say (mode, owner, names, times, xattrs and other PAX records, GNU long names) is kept; only what made the entry
/// sparse goes:
/// <list type="bullet">
/// <item>Old GNU ('S'): typeflag '0'; the sparse map, isextended and realsize fields (bytes 386..494) zeroed; the
/// extension blocks dropped; the size field holds the logical size (octal, or GNU base-256 from 8 GiB on, as GNU
/// tar writes it). 'L'/'K' records stay verbatim.</item>
/// <item>PAX (0.0, 0.1, 1.0): one 'x' header (the last one, the one Go and GNU tar apply) without its
/// <c>GNU.sparse.*</c> records; the real name goes into the ustar name field when it fits in 100 bytes (prefix
/// cleared), else into a <c>path</c> record (an existing <c>path</c> record always gets the real name); the size field
/// holds the logical size, or 0 and a <c>size</c> record from 8 GiB on. 'L' records are dropped (they would override
/// the name); 'K' records stay.</item>
/// </list>
/// An existing <c>size</c> record is replaced by the logical size in both cases. Checksums are recomputed.
/// </summary>
internal static class DenseHeaderWriter
{
    private static readonly byte[] PathKey = "path"u8.ToArray();
    private static readonly byte[] SizeKey = "size"u8.ToArray();

    /// <summary>Returns the rewritten header blocks of <paramref name="entry"/> (without the previous entry's padding).</summary>
    /// <param name="entry">The sparse entry as read (its <see cref="RawTarEntry.HeaderBytes"/>).</param>
    /// <param name="format">Its sparse encoding.</param>
    /// <param name="size">Its logical size.</param>
    public static byte[] Write(RawTarEntry entry, SparseFormat format, long size)
    {
        var headers = entry.HeaderBytes.Span;
        var (extensions, mainStart) = TarHeaderChain.Split(headers);
        var pax = format != SparseFormat.OldGnu;

        var main = headers.Slice(mainStart, TarHeaderBlock.Size).ToArray();
        var layout = TarHeaderParser.DetectLayout(main);
        var nameInHeader = pax && TryWriteName(main, layout, entry.Info.NameBytes);
        var sizeRecord = size > TarFieldWriter.MaxOctal(FieldLength(TarHeaderBlock.FileSize)) && pax;
        if (format == SparseFormat.OldGnu)
        {
            main[TarHeaderBlock.TypeFlag] = TarTypeFlag.Regular;
            main.AsSpan(TarHeaderBlock.GnuSparseMap, TarHeaderBlock.GnuRealSize.End.Value - TarHeaderBlock.GnuSparseMap).Clear();
        }
        if (sizeRecord) TarFieldWriter.Octal(main.AsSpan(TarHeaderBlock.FileSize), 0);
        else TarFieldWriter.Numeric(main.AsSpan(TarHeaderBlock.FileSize), size);
        TarFieldWriter.Checksum(main);

        var output = new MemoryStream(headers.Length);
        var lastPax = extensions.FindLastIndex(e => e.Type == TarTypeFlag.PaxExtended);
        for (var i = 0; i < extensions.Count; i++)
        {
            var (type, start, length) = extensions[i];
            var record = headers.Slice(start, length);
            switch (type)
            {
                case TarTypeFlag.PaxExtended when i == lastPax:
                    var records = PaxRecordParser.TryParse(record[TarHeaderBlock.Size..(TarHeaderBlock.Size + (int)TarHeaderChain.DataLength(record))], out _)!;
                    var data = DenseRecords(records, pax ? entry.Info.NameBytes : null, nameInHeader, size, sizeRecord);
                    if (data.Length > 0) WritePaxHeader(output, record[..TarHeaderBlock.Size], data);
                    break;
                case TarTypeFlag.PaxExtended: // earlier ones: ignored by every reader (the last one wins)
                case TarTypeFlag.GnuLongName when pax: // the name is in the header fields or the path record
                    break;
                default:
                    output.Write(record);
                    break;
            }
        }
        output.Write(main);
        return output.ToArray();
    }

    private static int FieldLength(Range field) => field.End.Value - field.Start.Value;

    /// <summary>Puts <paramref name="name"/> into the ustar name field when it fits (clearing the prefix); false when it does not.</summary>
    private static bool TryWriteName(byte[] block, TarHeaderLayout layout, byte[] name)
    {
        var field = block.AsSpan(TarHeaderBlock.Name);
        if (name.Length > field.Length) return false;
        field.Clear();
        name.CopyTo(field);
        if (layout == TarHeaderLayout.Ustar) block.AsSpan(TarHeaderBlock.UstarPrefix).Clear();
        else if (layout == TarHeaderLayout.Star) block.AsSpan(TarHeaderBlock.StarPrefix).Clear();
        return true;
    }

    /// <summary>
    /// The records of the last 'x' header in their order, without <c>GNU.sparse.*</c>; <c>path</c> set to
    /// <paramref name="name"/> (PAX sparse only) and <c>size</c> to the logical size where they exist, and added when needed.
    /// </summary>
    private static byte[] DenseRecords(List<PaxRecord> records, byte[]? name, bool nameInHeader, long size, bool sizeRecord)
    {
        var data = new MemoryStream();
        var sizeText = Encoding.ASCII.GetBytes(size.ToString(CultureInfo.InvariantCulture));
        bool hasPath = false, hasSize = false;
        foreach (var (key, value) in records)
        {
            if (key.AsSpan().StartsWith(PaxRecordParser.Keys.GnuSparsePrefix)) continue;
            if (name is not null && key.AsSpan().SequenceEqual(PathKey))
            {
                WriteRecord(data, key, name);
                hasPath = true;
            }
            else if (key.AsSpan().SequenceEqual(SizeKey))
            {
                WriteRecord(data, key, sizeText);
                hasSize = true;
            }
            else
            {
                WriteRecord(data, key, value);
            }
        }
        if (name is not null && !nameInHeader && !hasPath) WriteRecord(data, PathKey, name);
        if (sizeRecord && !hasSize) WriteRecord(data, SizeKey, sizeText);
        return data.ToArray();
    }

    /// <summary>One <c>"%d %s=%s\n"</c> record whose decimal length counts the whole record, itself included.</summary>
    private static void WriteRecord(Stream data, byte[] key, byte[] value)
    {
        var body = key.Length + value.Length + 3; // ' ', '=', '\n'
        var length = body + Digits(body);
        if (Digits(length) > Digits(body)) length = body + Digits(length);
        data.Write(Encoding.ASCII.GetBytes(length.ToString(CultureInfo.InvariantCulture)));
        data.WriteByte((byte)' ');
        data.Write(key);
        data.WriteByte((byte)'=');
        data.Write(value);
        data.WriteByte((byte)'\n');
    }

    private static int Digits(int value) => value.ToString(CultureInfo.InvariantCulture).Length;

    /// <summary>The original 'x' header block with the new data length, then the data and its padding.</summary>
    private static void WritePaxHeader(Stream output, ReadOnlySpan<byte> originalBlock, byte[] data)
    {
        var block = originalBlock.ToArray();
        TarFieldWriter.Octal(block.AsSpan(TarHeaderBlock.FileSize), data.Length);
        TarFieldWriter.Checksum(block);
        output.Write(block);
        output.Write(data);
        output.Write(new byte[(TarHeaderBlock.Size - data.Length % TarHeaderBlock.Size) % TarHeaderBlock.Size]);
    }
}
