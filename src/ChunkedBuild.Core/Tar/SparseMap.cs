using System.Text;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// Which entries are GNU sparse files and where their data lies, with the rules of Go's <c>archive/tar</c>
/// (<c>handleSparseFile</c>, <c>readOldGNUSparseMap</c>, <c>readGNUSparsePAXHeaders</c>, <c>readGNUSparseMap0x1</c>,
/// <c>readGNUSparseMap1x0</c>, <c>validateSparseEntries</c>): what Go reads as a sparse file is what the densifier
/// rewrites, and a map Go rejects is CHB1006.
/// </summary>
internal static class SparseMap
{
    private const string Prefix = "GNU.sparse.";

    /// <summary>
    /// The sparse encoding of <paramref name="info"/>, or null when Go does not read it as a sparse file: typeflag 'S';
    /// else a regular file whose PAX records carry <c>GNU.sparse.major/minor</c> 0.0, 0.1 or 1.0, or (0.0 and 0.1
    /// wrote no version) a sparse map. Other <c>GNU.sparse.*</c> records (an unknown version, a sparse header on a
    /// non-regular entry) are not densified; the entry rules refuse them.
    /// </summary>
    public static SparseFormat? Classify(TarEntryInfo info)
    {
        if (info.TypeFlag == TarTypeFlag.GnuSparse) return SparseFormat.OldGnu;
        if (!info.IsSparse || !info.IsRegularFile) return null;
        string? major = null, minor = null, map = null;
        var offsets = false;
        foreach (var (key, value) in info.PaxRecords)
        {
            switch (key)
            {
                case Prefix + "major": major = Latin1(value); break;
                case Prefix + "minor": minor = Latin1(value); break;
                case Prefix + "map": map = Latin1(value); break;
                case Prefix + "offset": offsets = true; break;
            }
        }
        return (major, minor) switch
        {
            ("0", "0") => SparseFormat.Pax00,
            ("0", "1") => SparseFormat.Pax01,
            ("1", "0") => SparseFormat.Pax10,
            ({ Length: > 0 }, _) or (_, { Length: > 0 }) => null,
            _ when offsets => SparseFormat.Pax00,
            _ when !string.IsNullOrEmpty(map) => SparseFormat.Pax01,
            _ => null,
        };
    }

    /// <summary>
    /// The old-GNU map: up to 4 entries in the main header, 21 in each extension block that follows it; an entry whose
    /// offset field starts with NUL ends a block's list (GNU and BSD tar stop there too).
    /// </summary>
    /// <param name="headerAndExtensions">The main header block followed by its sparse extension blocks.</param>
    /// <param name="where">Names the entry in errors.</param>
    public static List<SparseRegion> ReadOldGnu(ReadOnlySpan<byte> headerAndExtensions, string where)
    {
        var regions = new List<SparseRegion>();
        var block = headerAndExtensions[..TarHeaderBlock.Size];
        ReadEntries(block.Slice(TarHeaderBlock.GnuSparseMap, TarHeaderBlock.GnuSparseMapEntries * TarHeaderBlock.SparseEntryLength), regions, where);
        var extended = block[TarHeaderBlock.GnuIsExtended] != 0;
        for (var at = TarHeaderBlock.Size; extended; at += TarHeaderBlock.Size)
        {
            if (at + TarHeaderBlock.Size > headerAndExtensions.Length) throw Malformed(where, "a sparse extension block is missing");
            block = headerAndExtensions.Slice(at, TarHeaderBlock.Size);
            ReadEntries(block[..(TarHeaderBlock.SparseExtensionEntries * TarHeaderBlock.SparseEntryLength)], regions, where);
            extended = block[TarHeaderBlock.SparseExtensionIsExtended] != 0;
        }
        return regions;
    }

    private static void ReadEntries(ReadOnlySpan<byte> entries, List<SparseRegion> regions, string where)
    {
        var parser = new TarFieldParser();
        for (var at = 0; at < entries.Length; at += TarHeaderBlock.SparseEntryLength)
        {
            var entry = entries.Slice(at, TarHeaderBlock.SparseEntryLength);
            if (entry[0] == 0) break;
            var offset = parser.Numeric(entry[TarHeaderBlock.SparseEntryOffset]);
            var length = parser.Numeric(entry[TarHeaderBlock.SparseEntryNumBytes]);
            if (parser.Failed) throw Malformed(where, $"sparse map entry {regions.Count} is not a valid number");
            regions.Add(new SparseRegion(offset, length));
        }
    }

    /// <summary>
    /// The PAX 0.0 / 0.1 map: <c>GNU.sparse.numblocks</c> pairs from the <c>GNU.sparse.offset</c>/<c>numbytes</c>
    /// records in order (0.0; Go joins them into the map), else from the comma-separated <c>GNU.sparse.map</c>.
    /// </summary>
    public static List<SparseRegion> ReadPax0(TarEntryInfo info, string where)
    {
        var values = new List<string>();
        string map = "", numBlocks = "";
        foreach (var (key, value) in info.PaxRecords)
        {
            switch (key)
            {
                case Prefix + "offset" or Prefix + "numbytes": values.Add(Latin1(value)); break;
                case Prefix + "map": map = Latin1(value); break;
                case Prefix + "numblocks": numBlocks = Latin1(value); break;
            }
        }
        if (values.Count == 0 && map.Length > 0) values.AddRange(map.Split(','));
        if (!TryParse(numBlocks, out var count) || count < 0)
            throw Malformed(where, $"GNU.sparse.numblocks '{numBlocks}' is not a non-negative number");
        if (values.Count != 2 * count)
            throw Malformed(where, $"GNU.sparse.numblocks says {count} regions, the map has {values.Count} numbers");
        var regions = new List<SparseRegion>(values.Count / 2);
        for (var i = 0; i < values.Count; i += 2)
        {
            if (!TryParse(values[i], out var offset) || !TryParse(values[i + 1], out var length))
                throw Malformed(where, $"sparse map region {i / 2} ('{values[i]}', '{values[i + 1]}') is not two numbers");
            regions.Add(new SparseRegion(offset, length));
        }
        return regions;
    }

    /// <summary>
    /// The PAX 1.0 map at the start of the payload: decimal lines (the region count, then offset and length of each),
    /// read in whole 512-byte blocks as Go reads them; the data starts at the next block. At most
    /// <paramref name="maxMapBytes"/> bytes of map are read.
    /// </summary>
    /// <param name="read">Reads payload bytes (0 at the end of the payload).</param>
    /// <param name="payloadLength">The entry's payload length (map and data).</param>
    /// <param name="maxMapBytes">The most map bytes accepted.</param>
    /// <param name="where">Names the entry in errors.</param>
    /// <param name="mapLength">How many payload bytes the map took (whole blocks).</param>
    public static List<SparseRegion> ReadPax10(Func<byte[], int, int, int> read, long payloadLength, int maxMapBytes, string where, out long mapLength)
    {
        var map = new Pax10MapReader(read, payloadLength, maxMapBytes, where);
        if (!TryParse(map.NextToken(), out var count) || count < 0)
            throw Malformed(where, "the region count of the 1.0 map is not a non-negative number");
        var regions = new List<SparseRegion>();
        for (long i = 0; i < count; i++)
        {
            var offsetText = map.NextToken();
            var lengthText = map.NextToken();
            if (!TryParse(offsetText, out var offset) || !TryParse(lengthText, out var length))
                throw Malformed(where, $"sparse map region {i} ('{offsetText}', '{lengthText}') is not two numbers");
            regions.Add(new SparseRegion(offset, length));
        }
        mapLength = map.BytesRead;
        return regions;
    }

    /// <summary>
    /// Go's <c>validateSparseEntries</c> (non-negative, no overflow, in order, not overlapping, within the real size)
    /// plus the check Go's sparse reader makes while reading: the stored data is exactly the regions' bytes.
    /// </summary>
    public static void Validate(IReadOnlyList<SparseRegion> regions, long logicalSize, long storedLength, string where)
    {
        if (logicalSize < 0) throw Malformed(where, $"the real size {logicalSize} is negative");
        long previousEnd = 0, total = 0;
        for (var i = 0; i < regions.Count; i++)
        {
            var (offset, length) = regions[i];
            if (offset < 0 || length < 0) throw Malformed(where, $"region {i} ({offset}, {length}) is negative");
            if (offset > long.MaxValue - length) throw Malformed(where, $"region {i} ({offset}, {length}) overflows");
            if (offset + length > logicalSize) throw Malformed(where, $"region {i} ({offset}, {length}) extends beyond the real size {logicalSize}");
            if (previousEnd > offset) throw Malformed(where, $"region {i} ({offset}, {length}) overlaps or precedes the region before it");
            previousEnd = offset + length;
            total += length;
        }
        if (total != storedLength)
            throw Malformed(where, $"the map's regions hold {total} bytes, the entry stores {storedLength}");
    }

    private static bool TryParse(string text, out long value) => PaxRecordParser.TryParseDecimal(Encoding.Latin1.GetBytes(text), out value);

    private static string Latin1(byte[] value) => Encoding.Latin1.GetString(value);

    public static ChunkedBuildException Malformed(string where, string reason) =>
        new(ErrorCodes.TarBadSparseMap, $"{where}: the GNU sparse map is malformed: {reason}");

    /// <summary>Reads newline-terminated tokens from the payload, one 512-byte block at a time.</summary>
    private sealed class Pax10MapReader(Func<byte[], int, int, int> read, long payloadLength, int maxMapBytes, string where)
    {
        private byte[] _bytes = new byte[TarHeaderBlock.Size];
        private int _length;
        private int _cursor;

        public long BytesRead => _length;

        public string NextToken()
        {
            int newline;
            while ((newline = Array.IndexOf(_bytes, (byte)'\n', _cursor, _length - _cursor)) < 0) ReadBlock();
            var token = Encoding.Latin1.GetString(_bytes, _cursor, newline - _cursor);
            _cursor = newline + 1;
            return token;
        }

        private void ReadBlock()
        {
            if (_length + TarHeaderBlock.Size > payloadLength) throw Malformed(where, "the 1.0 map runs past the end of the entry's data");
            if (_length + TarHeaderBlock.Size > maxMapBytes) throw Malformed(where, $"the 1.0 map is longer than {maxMapBytes} bytes");
            if (_length + TarHeaderBlock.Size > _bytes.Length) Array.Resize(ref _bytes, _bytes.Length * 2);
            for (var got = 0; got < TarHeaderBlock.Size;)
            {
                var n = read(_bytes, _length + got, TarHeaderBlock.Size - got);
                if (n == 0) throw Malformed(where, "the 1.0 map runs past the end of the entry's data");
                got += n;
            }
            _length += TarHeaderBlock.Size;
        }
    }
}
