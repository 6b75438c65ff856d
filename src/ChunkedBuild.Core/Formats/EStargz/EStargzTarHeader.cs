using System.Text;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// The only tar headers ChunkedBuild generates for eStargz: the landmark file and <c>stargz.index.json</c>. Every other
/// header is copied verbatim from the input. Deterministic ustar header of a regular file (what Go's tar writer emits
/// for a short name): mode 0644, uid/gid 0, mtime 0, no user/group names, no device numbers.
/// <code>
///  off len field
///    0 100 name (NUL padded)        257   6 magic "ustar\0"
///  100   8 mode "0000644\0"         263   2 version "00"
///  108   8 uid  "0000000\0"         265  32 uname (empty)
///  116   8 gid  "0000000\0"         297  32 gname (empty)
///  124  12 size, 11 octal + NUL     329   8 devmajor "0000000\0"
///  136  12 mtime "00000000000\0"    337   8 devminor "0000000\0"
///  148   8 checksum "%06o\0 "       345 155 prefix (empty)
///  156   1 typeflag '0'             500  12 unused (zero)
///  157 100 linkname (empty)
/// </code>
/// </summary>
internal static class EStargzTarHeader
{
    /// <summary>Tar block size.</summary>
    public const int BlockSize = 512;

    /// <summary>The largest size an 11-digit octal field holds (8 GiB − 1); a TOC is a byte array, so always below.</summary>
    private const long MaxOctalSize = (1L << 33) - 1;

    /// <summary>Mode of generated files (rw-r--r--).</summary>
    public const long FileMode = 420; // 0644

    /// <summary>A ustar header block for a regular file called <paramref name="name"/> (ASCII, ≤ 100 bytes).</summary>
    public static byte[] RegularFile(string name, long size)
    {
        if (name.Length is 0 or > 100 || !Ascii.IsValid(name)) throw new ArgumentException("a generated tar name must be 1..100 ASCII characters", nameof(name));
        if (size is < 0 or > MaxOctalSize) throw new ArgumentOutOfRangeException(nameof(size), size, "does not fit an octal size field");
        var h = new byte[BlockSize];
        Encoding.ASCII.GetBytes(name, h.AsSpan(0, 100));
        TarFieldWriter.Octal(h.AsSpan(100, 8), FileMode);
        TarFieldWriter.Octal(h.AsSpan(108, 8), 0);
        TarFieldWriter.Octal(h.AsSpan(116, 8), 0);
        TarFieldWriter.Octal(h.AsSpan(124, 12), size);
        TarFieldWriter.Octal(h.AsSpan(136, 12), 0);
        h[156] = (byte)'0';
        "ustar\0"u8.CopyTo(h.AsSpan(257));
        "00"u8.CopyTo(h.AsSpan(263));
        TarFieldWriter.Octal(h.AsSpan(329, 8), 0);
        TarFieldWriter.Octal(h.AsSpan(337, 8), 0);
        TarFieldWriter.Checksum(h);
        return h;
    }

    /// <summary>Number of zero bytes that pad <paramref name="size"/> payload bytes to a block boundary.</summary>
    public static int PaddingFor(long size) => (int)((BlockSize - size % BlockSize) % BlockSize);
}
