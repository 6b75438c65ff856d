namespace ChunkedBuild.Core.Tar;

/// <summary>
/// Field offsets and magic values of a 512-byte tar header block (V7, POSIX ustar, star and GNU layouts), as Go's
/// <c>archive/tar</c> (the parser tar-split and containers/storage see the tar through) defines them.
/// </summary>
internal static class TarHeaderBlock
{
    /// <summary>Size of every tar block.</summary>
    public const int Size = 512;

    // ---- V7 layout (all formats) ----
    // offset  len  field
    //      0  100  name
    //    100    8  mode
    //    108    8  uid
    //    116    8  gid
    //    124   12  size
    //    136   12  mtime
    //    148    8  chksum (octal, NUL/space terminated)
    //    156    1  typeflag
    //    157  100  linkname
    public static readonly Range Name = 0..100;
    public static readonly Range Mode = 100..108;
    public static readonly Range Uid = 108..116;
    public static readonly Range Gid = 116..124;
    public static readonly Range FileSize = 124..136;
    public static readonly Range ModTime = 136..148;
    public static readonly Range Checksum = 148..156;
    public const int TypeFlag = 156;
    public static readonly Range LinkName = 157..257;

    // ---- ustar / GNU / star common part ----
    //    257    6  magic   ("ustar\0" POSIX and star, "ustar " GNU)
    //    263    2  version ("00" POSIX, " \0" GNU)
    //    265   32  uname
    //    297   32  gname
    //    329    8  devmajor
    //    337    8  devminor
    public static readonly Range Magic = 257..263;
    public static readonly Range Version = 263..265;
    public static readonly Range UserName = 265..297;
    public static readonly Range GroupName = 297..329;
    public static readonly Range DevMajor = 329..337;
    public static readonly Range DevMinor = 337..345;

    // ---- POSIX ustar ----
    //    345  155  prefix (name = prefix + "/" + name)
    public static readonly Range UstarPrefix = 345..500;

    // ---- star (magic "ustar\0" and trailer "tar\0" at 508) ----
    //    345  131  prefix
    //    476   12  atime
    //    488   12  ctime
    //    508    4  trailer "tar\0"
    public static readonly Range StarPrefix = 345..476;
    public static readonly Range StarAccessTime = 476..488;
    public static readonly Range StarChangeTime = 488..500;
    public static readonly Range StarTrailer = 508..512;

    // ---- GNU and old GNU (magic "ustar " version " \0") ----
    //    345   12  atime
    //    357   12  ctime
    //    369   12  offset (multi-volume)
    //    381    4  longnames (unused)
    //    385    1  unused
    //    386   96  4 sparse entries of (offset 12, length 12)
    //    482    1  isextended
    //    483   12  realsize
    public static readonly Range GnuAccessTime = 345..357;
    public static readonly Range GnuChangeTime = 357..369;
    public const int GnuSparseMap = 386;
    public const int GnuSparseMapEntries = 4;
    public const int GnuIsExtended = 482;
    public static readonly Range GnuRealSize = 483..495;

    /// <summary>One old-GNU sparse map entry: the offset (12 bytes, numeric) then the number of stored bytes (12 bytes).</summary>
    public const int SparseEntryLength = 24;
    /// <summary>The numeric fields of one sparse map entry, relative to the entry.</summary>
    public static readonly Range SparseEntryOffset = 0..12;
    public static readonly Range SparseEntryNumBytes = 12..24;

    /// <summary>In a GNU sparse extension block: 21 sparse entries of 24 bytes from offset 0, then the isextended byte at 504.</summary>
    public const int SparseExtensionEntries = 21;
    public const int SparseExtensionIsExtended = 504;

    public static ReadOnlySpan<byte> MagicUstar => "ustar\0"u8;
    public static ReadOnlySpan<byte> VersionUstar => "00"u8;
    public static ReadOnlySpan<byte> MagicGnu => "ustar "u8;
    public static ReadOnlySpan<byte> VersionGnu => " \0"u8;
    public static ReadOnlySpan<byte> TrailerStar => "tar\0"u8;
}
