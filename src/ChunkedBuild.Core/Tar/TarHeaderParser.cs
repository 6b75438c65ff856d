namespace ChunkedBuild.Core.Tar;

/// <summary>The header layout a block was recognized as (Go's <c>block.GetFormat</c>).</summary>
internal enum TarHeaderLayout
{
    /// <summary>Checksum mismatch or unparsable checksum: not a header.</summary>
    Unknown,
    /// <summary>No known magic: only the V7 fields are read.</summary>
    V7,
    /// <summary>Magic "ustar\0" (POSIX ustar / PAX; the version field is not checked, as in Go).</summary>
    Ustar,
    /// <summary>Magic "ustar\0" plus trailer "tar\0" at 508 (Schily star).</summary>
    Star,
    /// <summary>Magic "ustar " and version " \0" (GNU and old GNU).</summary>
    Gnu,
}

/// <summary>The fields of one header block, before PAX records and GNU long names are applied.</summary>
internal sealed class ParsedHeader
{
    public required TarHeaderLayout Layout { get; init; }
    public required byte TypeFlag { get; init; }
    public required byte[] Name { get; init; }
    public required byte[] LinkName { get; init; }
    public long Mode { get; init; }
    public long Uid { get; init; }
    public long Gid { get; init; }
    public long Size { get; init; }
    public long ModTime { get; init; }
    public byte[] UserName { get; init; } = [];
    public byte[] GroupName { get; init; } = [];
    public long DevMajor { get; init; }
    public long DevMinor { get; init; }
    public TarTime? AccessTime { get; init; }
    public TarTime? ChangeTime { get; init; }
}

/// <summary>
/// Decodes one 512-byte header block exactly as Go's <c>archive/tar</c> <c>readHeader</c> does: checksum (unsigned or
/// signed byte sum), layout detection by magic, V7 fields, ustar/GNU/star extras, the ustar and star prefix, GNU
/// atime/ctime (with Go's fallback for pre-Go-1.8 files whose "atime/ctime" bytes are really a prefix).
/// </summary>
internal static class TarHeaderParser
{
    /// <summary>Go's <c>GetFormat</c>: verifies the checksum and classifies the block by its magic.</summary>
    public static TarHeaderLayout DetectLayout(ReadOnlySpan<byte> block)
    {
        var parser = new TarFieldParser();
        var stored = parser.Octal(block[TarHeaderBlock.Checksum]);
        var (unsigned, signed) = ComputeChecksums(block);
        if (parser.Failed || (stored != unsigned && stored != signed)) return TarHeaderLayout.Unknown;

        var magic = block[TarHeaderBlock.Magic];
        if (magic.SequenceEqual(TarHeaderBlock.MagicUstar))
            return block[TarHeaderBlock.StarTrailer].SequenceEqual(TarHeaderBlock.TrailerStar) ? TarHeaderLayout.Star : TarHeaderLayout.Ustar;
        if (magic.SequenceEqual(TarHeaderBlock.MagicGnu) && block[TarHeaderBlock.Version].SequenceEqual(TarHeaderBlock.VersionGnu))
            return TarHeaderLayout.Gnu;
        return TarHeaderLayout.V7;
    }

    /// <summary>Sum of all bytes with the checksum field counted as spaces, unsigned (POSIX) and signed (old Sun tar).</summary>
    public static (long Unsigned, long Signed) ComputeChecksums(ReadOnlySpan<byte> block)
    {
        long unsigned = 0, signed = 0;
        for (var i = 0; i < block.Length; i++)
        {
            var c = i is >= 148 and < 156 ? (byte)' ' : block[i];
            unsigned += c;
            signed += (sbyte)c;
        }
        return (unsigned, signed);
    }

    /// <summary>Parses <paramref name="block"/>; returns null with a reason when Go would report <c>ErrHeader</c>.</summary>
    public static ParsedHeader? TryParse(ReadOnlySpan<byte> block, out string? error)
    {
        error = null;
        var layout = DetectLayout(block);
        if (layout == TarHeaderLayout.Unknown)
        {
            error = "the block is not a tar header (checksum mismatch)";
            return null;
        }

        var p = new TarFieldParser();
        var name = TarFieldParser.CString(block[TarHeaderBlock.Name]);
        var linkName = TarFieldParser.CString(block[TarHeaderBlock.LinkName]).ToArray();
        var size = p.Numeric(block[TarHeaderBlock.FileSize]);
        var mode = p.Numeric(block[TarHeaderBlock.Mode]);
        var uid = p.Numeric(block[TarHeaderBlock.Uid]);
        var gid = p.Numeric(block[TarHeaderBlock.Gid]);
        var modTime = p.Numeric(block[TarHeaderBlock.ModTime]);

        byte[] userName = [], groupName = [];
        long devMajor = 0, devMinor = 0;
        TarTime? accessTime = null, changeTime = null;
        ReadOnlySpan<byte> prefix = default;
        if (layout != TarHeaderLayout.V7)
        {
            userName = TarFieldParser.CString(block[TarHeaderBlock.UserName]).ToArray();
            groupName = TarFieldParser.CString(block[TarHeaderBlock.GroupName]).ToArray();
            devMajor = p.Numeric(block[TarHeaderBlock.DevMajor]);
            devMinor = p.Numeric(block[TarHeaderBlock.DevMinor]);
            switch (layout)
            {
                case TarHeaderLayout.Ustar:
                    prefix = TarFieldParser.CString(block[TarHeaderBlock.UstarPrefix]);
                    break;
                case TarHeaderLayout.Star:
                    prefix = TarFieldParser.CString(block[TarHeaderBlock.StarPrefix]);
                    // Go sets both times unconditionally for star headers (a zero field gives the Unix epoch).
                    accessTime = new TarTime(p.Numeric(block[TarHeaderBlock.StarAccessTime]), 0);
                    changeTime = new TarTime(p.Numeric(block[TarHeaderBlock.StarChangeTime]), 0);
                    break;
                case TarHeaderLayout.Gnu:
                    var gnu = new TarFieldParser();
                    var atimeField = block[TarHeaderBlock.GnuAccessTime];
                    var ctimeField = block[TarHeaderBlock.GnuChangeTime];
                    if (atimeField[0] != 0) accessTime = new TarTime(gnu.Numeric(atimeField), 0);
                    if (ctimeField[0] != 0) changeTime = new TarTime(gnu.Numeric(ctimeField), 0);
                    if (gnu.Failed)
                    {
                        // Files written by Go before 1.8 put a ustar prefix here; Go reads it as one if it is ASCII.
                        accessTime = null;
                        changeTime = null;
                        var asPrefix = TarFieldParser.CString(block[TarHeaderBlock.UstarPrefix]);
                        if (asPrefix.IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0) prefix = asPrefix;
                    }
                    break;
            }
        }
        if (p.Failed)
        {
            error = "a numeric header field is not valid octal or base-256";
            return null;
        }

        var fullName = prefix.Length > 0 ? [.. prefix, (byte)'/', .. name] : name.ToArray();
        return new ParsedHeader
        {
            Layout = layout,
            TypeFlag = block[TarHeaderBlock.TypeFlag],
            Name = fullName,
            LinkName = linkName,
            Mode = mode,
            Uid = uid,
            Gid = gid,
            Size = size,
            ModTime = modTime,
            UserName = userName,
            GroupName = groupName,
            DevMajor = devMajor,
            DevMinor = devMinor,
            AccessTime = accessTime,
            ChangeTime = changeTime,
        };
    }
}
