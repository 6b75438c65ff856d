using System.Text;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// Combines a header block with the PAX records and GNU long names that preceded it into a <see cref="TarEntryInfo"/>,
/// following Go's <c>mergePAX</c> and <c>Reader.next</c>: PAX records override header fields only when their value is
/// not empty, the last of duplicate records wins, 'L'/'K' names replace name/linkname when not empty, and GNU PAX
/// sparse records may rename and resize the entry.
/// </summary>
internal static class TarEntryInfoBuilder
{
    /// <summary>The merged entry and the number of payload bytes that physically follow its header.</summary>
    public readonly record struct Result(TarEntryInfo Info, long PayloadLength);

    /// <summary>Builds the entry; throws CHB1003/CHB1004 naming <paramref name="headerOffset"/> on bad values.</summary>
    /// <param name="header">The main header block.</param>
    /// <param name="pax">Records of the last 'x' header before it, or null.</param>
    /// <param name="longName">Data of the last 'L' record, cut at its first NUL, or null.</param>
    /// <param name="longLink">Data of the last 'K' record, cut at its first NUL, or null.</param>
    /// <param name="oldGnuSparseRealSize">For 'S' entries: the real size from the GNU header (Go reports it as the size).</param>
    /// <param name="headerOffset">Stream offset of the entry's first header block, for messages.</param>
    public static Result Build(ParsedHeader header, List<PaxRecord>? pax, byte[]? longName, byte[]? longLink,
        long? oldGnuSparseRealSize, long headerOffset)
    {
        var nameBytes = header.Name;
        var linkBytes = header.LinkName;
        var userName = header.UserName;
        var groupName = header.GroupName;
        long uid = header.Uid, gid = header.Gid, size = header.Size;
        var modTime = new TarTime(header.ModTime, 0);
        var accessTime = header.AccessTime;
        var changeTime = header.ChangeTime;
        var xattrs = new List<TarXattr>();
        var paxList = new List<KeyValuePair<string, byte[]>>();
        var isSparse = header.TypeFlag == TarTypeFlag.GnuSparse;

        // Go keeps the records in a map: the last duplicate wins. Latin-1 keeps every key byte distinct.
        var merged = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var xattrOrder = new List<string>();
        if (pax is not null)
        {
            foreach (var record in pax)
            {
                var key = Encoding.Latin1.GetString(record.Key);
                paxList.Add(new(Encoding.UTF8.GetString(record.Key), record.Value));
                if (record.Key.AsSpan().StartsWith(PaxRecordParser.Keys.XattrPrefix) && !merged.ContainsKey(key)) xattrOrder.Add(key);
                if (record.Key.AsSpan().StartsWith(PaxRecordParser.Keys.GnuSparsePrefix)) isSparse = true;
                merged[key] = record.Value;
            }
        }

        string? currentName = null;
        string NameForError() => currentName ??= Encoding.UTF8.GetString(nameBytes);

        foreach (var (key, value) in merged)
        {
            if (value.Length == 0) continue; // Go keeps the header value when the record is empty
            switch (key)
            {
                case "path": nameBytes = value; break;
                case "linkpath": linkBytes = value; break;
                case "uname": userName = value; break;
                case "gname": groupName = value; break;
                case "uid": uid = ParseDecimal(value, key, headerOffset, NameForError); break;
                case "gid": gid = ParseDecimal(value, key, headerOffset, NameForError); break;
                case "size": size = ParseDecimal(value, key, headerOffset, NameForError); break;
                case "mtime": modTime = ParseTime(value, key, headerOffset, NameForError); break;
                case "atime": accessTime = ParseTime(value, key, headerOffset, NameForError); break;
                case "ctime": changeTime = ParseTime(value, key, headerOffset, NameForError); break;
            }
        }
        foreach (var key in xattrOrder)
        {
            var keyBytes = Encoding.Latin1.GetBytes(key).AsSpan(PaxRecordParser.Keys.XattrPrefix.Length);
            var xattrKey = PaxRecordParser.DecodeUtf8(keyBytes, out var keyIsUtf8);
            xattrs.Add(new TarXattr(xattrKey, keyIsUtf8, merged[key]));
        }

        if (longName is { Length: > 0 }) nameBytes = longName;
        if (longLink is { Length: > 0 }) linkBytes = longLink;

        currentName = null;
        var typeFlag = header.TypeFlag;
        // Go checks the raw header's size before PAX is applied (a legacy NUL typeflag is not header-only yet)...
        if (header.Size < 0 && !IsHeaderOnlyFlag(typeFlag))
            throw NegativeSize(header.Size, headerOffset, NameForError());
        // ...and the merged size after the legacy NUL typeflag was resolved with the final name.
        var headerOnly = IsHeaderOnlyFlag(typeFlag) || (typeFlag == TarTypeFlag.RegularLegacy && nameBytes.AsSpan().EndsWith((byte)'/'));
        if (size < 0 && !headerOnly) throw NegativeSize(size, headerOffset, NameForError());
        var payloadLength = headerOnly ? 0 : size;

        if (oldGnuSparseRealSize is { } realSize) size = realSize;
        else if (isSparse && pax is not null) ApplyGnuPaxSparse(merged, ref nameBytes, ref size, headerOffset, NameForError());
        var name = PaxRecordParser.DecodeUtf8(nameBytes, out var nameIsUtf8);

        var info = new TarEntryInfo
        {
            Name = name,
            NameBytes = nameBytes,
            NameIsUtf8 = nameIsUtf8,
            LinkName = PaxRecordParser.DecodeUtf8(linkBytes, out var linkIsUtf8),
            LinkNameIsUtf8 = linkIsUtf8,
            TypeFlag = typeFlag,
            Mode = header.Mode,
            Uid = uid,
            Gid = gid,
            UserName = Encoding.UTF8.GetString(userName),
            GroupName = Encoding.UTF8.GetString(groupName),
            Size = size,
            ModTime = modTime,
            AccessTime = accessTime,
            ChangeTime = changeTime,
            DevMajor = header.DevMajor,
            DevMinor = header.DevMinor,
            Xattrs = xattrs,
            PaxRecords = paxList,
            IsSparse = isSparse,
        };
        return new Result(info, payloadLength);
    }

    /// <summary>
    /// Go's <c>readGNUSparsePAXHeaders</c> renaming/resizing: for a recognized GNU PAX sparse version (0.0, 0.1, 1.0,
    /// or a sparse map without version), <c>GNU.sparse.name</c> replaces the name and <c>GNU.sparse.size</c> (else
    /// <c>GNU.sparse.realsize</c>) the size. The payload length stays the physical one.
    /// </summary>
    private static void ApplyGnuPaxSparse(Dictionary<string, byte[]> merged, ref byte[] nameBytes, ref long size, long headerOffset, string name)
    {
        string Get(string key) => merged.TryGetValue(key, out var v) ? Encoding.Latin1.GetString(v) : "";
        var major = Get("GNU.sparse.major");
        var minor = Get("GNU.sparse.minor");
        var hasMap = Get("GNU.sparse.map").Length > 0 || merged.ContainsKey("GNU.sparse.offset");
        var recognized = (major == "0" && minor is "0" or "1") || (major == "1" && minor == "0")
            || (major.Length == 0 && minor.Length == 0 && hasMap);
        if (!recognized) return;
        if (merged.TryGetValue("GNU.sparse.name", out var sparseName) && sparseName.Length > 0) nameBytes = sparseName;
        var sizeValue = Get("GNU.sparse.size");
        if (sizeValue.Length == 0) sizeValue = Get("GNU.sparse.realsize");
        if (sizeValue.Length > 0) size = ParseDecimal(Encoding.Latin1.GetBytes(sizeValue), "GNU.sparse.size", headerOffset, () => name);
    }

    /// <summary>Go's <c>isHeaderOnlyType</c>: the typeflags whose size field never announces payload bytes.</summary>
    public static bool IsHeaderOnlyFlag(byte typeFlag) => typeFlag is TarTypeFlag.HardLink or TarTypeFlag.Symlink
        or TarTypeFlag.CharDevice or TarTypeFlag.BlockDevice or TarTypeFlag.Directory or TarTypeFlag.Fifo;

    private static ChunkedBuildException NegativeSize(long size, long headerOffset, string name) =>
        new(ErrorCodes.TarAbsurdSize, $"tar entry '{name}' at offset {headerOffset} has a negative size ({size})", name);

    private static long ParseDecimal(byte[] value, string key, long headerOffset, Func<string> name)
    {
        if (PaxRecordParser.TryParseDecimal(value, out var result)) return result;
        throw new ChunkedBuildException(ErrorCodes.TarBadPaxRecord,
            $"PAX record '{key}' of tar entry '{name()}' at offset {headerOffset} is not a decimal integer", name());
    }

    private static TarTime ParseTime(byte[] value, string key, long headerOffset, Func<string> name)
    {
        if (PaxRecordParser.TryParseTime(value, out var result)) return result;
        throw new ChunkedBuildException(ErrorCodes.TarBadPaxRecord,
            $"PAX record '{key}' of tar entry '{name()}' at offset {headerOffset} is not a valid time", name());
    }
}
