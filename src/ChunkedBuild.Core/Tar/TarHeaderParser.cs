using System.Text;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// Parses one 512-byte tar header block and applies pending PAX / GNU extensions, following Go's archive/tar.
/// Block layout (offsets): name 0..100, mode 100, uid 108, gid 116, size 124 (12), mtime 136 (12), chksum 148 (8),
/// typeflag 156, linkname 157..257, magic 257 (6), version 263 (2), uname 265 (32), gname 297 (32), devmajor 329 (8),
/// devminor 337 (8), then ustar prefix 345..500 / GNU atime 345 (12), ctime 357 (12) / star prefix 345..476,
/// atime 476, ctime 488, trailer "tar\0" at 508.
/// </summary>
internal static class TarHeaderParser
{
    /// <summary>Header formats as Go's <c>getFormat</c> tells them apart.</summary>
    public enum Kind { V7, Ustar, Gnu, Star }

    /// <summary>The raw fields of one header block.</summary>
    public sealed record Header(byte[] Block, Kind Kind, byte TypeFlag, long Size);

    /// <summary>Verifies the checksum and reads the kind, typeflag and size of <paramref name="block"/>.</summary>
    public static Header ParseBlock(byte[] block, long offset)
    {
        var b = block.AsSpan();
        if (!TarNumbers.TryParseNumeric(b[148..156], out var stored)) throw Corrupt(offset, "the checksum field is not a number");
        long unsigned = 0, signed = 0;
        for (var i = 0; i < 512; i++)
        {
            var c = i is >= 148 and < 156 ? (byte)' ' : b[i];
            unsigned += c;
            signed += (sbyte)c;
        }
        if (stored != unsigned && stored != signed)
            throw Corrupt(offset, $"header checksum mismatch (stored {stored}, computed {unsigned})");
        var kind = b[257..263].SequenceEqual("ustar\0"u8) && b[263..265].SequenceEqual("00"u8)
            ? (b[508..512].SequenceEqual("tar\0"u8) ? Kind.Star : Kind.Ustar)
            : b[257..263].SequenceEqual("ustar "u8) && b[263..265].SequenceEqual(" \0"u8) ? Kind.Gnu : Kind.V7;
        var typeFlag = b[156];
        if (!TarNumbers.TryParseNumeric(b[124..136], out var size)) throw Corrupt(offset, "the size field is not a number");
        return new Header(block, kind, typeFlag, size);
    }

    /// <summary>Builds the entry's metadata: header fields, then PAX records, then GNU long names (Go's order).</summary>
    public static TarEntryInfo Complete(Header header, PaxState pax, long offset)
    {
        var b = header.Block.AsSpan();
        var nameBytes = TarNumbers.CString(b[0..100]).ToArray();
        var linkBytes = TarNumbers.CString(b[157..257]).ToArray();
        var block = header.Block;
        long Numeric(Range field, string what) =>
            TarNumbers.TryParseNumeric(block.AsSpan()[field], out var v) ? v : throw Corrupt(offset, $"the {what} field is not a number");
        var mode = Numeric(100..108, "mode");
        var uid = Numeric(108..116, "uid");
        var gid = Numeric(116..124, "gid");
        var size = header.Size;
        var mtime = new TarTime(Numeric(136..148, "mtime"), 0);
        TarTime? atime = null, ctime = null;
        string userName = "", groupName = "";
        long devMajor = 0, devMinor = 0;
        var sparse = header.TypeFlag == TarTypeFlag.GnuSparse;
        if (header.Kind != Kind.V7)
        {
            userName = TarNumbers.Decode(TarNumbers.CString(b[265..297]));
            groupName = TarNumbers.Decode(TarNumbers.CString(b[297..329]));
            devMajor = Numeric(329..337, "devmajor");
            devMinor = Numeric(337..345, "devminor");
            switch (header.Kind)
            {
                case Kind.Ustar:
                    nameBytes = JoinPrefix(TarNumbers.CString(b[345..500]), nameBytes);
                    break;
                case Kind.Star:
                    nameBytes = JoinPrefix(TarNumbers.CString(b[345..476]), nameBytes);
                    atime = new TarTime(Numeric(476..488, "atime"), 0);
                    ctime = new TarTime(Numeric(488..500, "ctime"), 0);
                    break;
                case Kind.Gnu:
                    if (b[345] != 0) atime = new TarTime(Numeric(345..357, "atime"), 0);
                    if (b[357] != 0) ctime = new TarTime(Numeric(357..369, "ctime"), 0);
                    break;
            }
        }

        var xattrs = new List<TarXattr>();
        var records = new List<KeyValuePair<string, byte[]>>();
        foreach (var (key, keyBytes, value) in pax.Records)
        {
            records.Add(new(key, value));
            var text = Encoding.UTF8.GetString(value);
            switch (key)
            {
                case "path": nameBytes = value; break;
                case "linkpath": linkBytes = value; break;
                case "uname": userName = text; break;
                case "gname": groupName = text; break;
                case "uid": uid = PaxInteger(text, key, offset); break;
                case "gid": gid = PaxInteger(text, key, offset); break;
                case "size": size = PaxInteger(text, key, offset); break;
                case "mtime": mtime = PaxTime(text, key, offset); break;
                case "atime": atime = PaxTime(text, key, offset); break;
                case "ctime": ctime = PaxTime(text, key, offset); break;
                default:
                    if (key.StartsWith("GNU.sparse.", StringComparison.Ordinal)) sparse = true;
                    else if (keyBytes.AsSpan().StartsWith("SCHILY.xattr."u8))
                    {
                        var xattrKey = TarNumbers.Decode(keyBytes.AsSpan(PaxRecords.XattrPrefix.Length), out var keyIsUtf8);
                        xattrs.Add(new TarXattr(xattrKey, keyIsUtf8, value));
                    }
                    break;
            }
        }
        if (pax.GnuLongName is { } longName) nameBytes = longName;
        if (pax.GnuLongLink is { } longLink) linkBytes = longLink;

        var name = TarNumbers.Decode(nameBytes, out var nameIsUtf8);
        var link = TarNumbers.Decode(linkBytes, out var linkIsUtf8);
        return new TarEntryInfo
        {
            Name = name,
            NameBytes = nameBytes,
            NameIsUtf8 = nameIsUtf8,
            LinkName = link,
            LinkNameIsUtf8 = linkIsUtf8,
            TypeFlag = header.TypeFlag,
            Mode = mode,
            Uid = uid,
            Gid = gid,
            UserName = userName,
            GroupName = groupName,
            Size = size,
            ModTime = mtime,
            AccessTime = atime,
            ChangeTime = ctime,
            DevMajor = devMajor,
            DevMinor = devMinor,
            Xattrs = xattrs,
            PaxRecords = records,
            IsSparse = sparse,
        };
    }

    private static byte[] JoinPrefix(ReadOnlySpan<byte> prefix, byte[] name) =>
        prefix.IsEmpty ? name : [.. prefix, (byte)'/', .. name];

    private static long PaxInteger(string text, string key, long offset) =>
        long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ChunkedBuildException(ErrorCodes.TarBadPaxRecord, $"PAX header before tar offset {offset}: '{key}' value '{text}' is not an integer");

    private static TarTime PaxTime(string text, string key, long offset) =>
        TarNumbers.TryParsePaxTime(text, out var t)
            ? t
            : throw new ChunkedBuildException(ErrorCodes.TarBadPaxRecord, $"PAX header before tar offset {offset}: '{key}' value '{text}' is not a time");

    private static ChunkedBuildException Corrupt(long offset, string what) =>
        new(ErrorCodes.TarCorruptHeader, $"tar offset {offset}: {what}");
}
