using System.Text;

namespace ChunkedBuild.Tool.Tests;

/// <summary>
/// Writes ustar archives byte by byte, for entries System.Formats.Tar cannot produce (names that are not UTF-8).
/// Header layout (POSIX ustar, 512 bytes): name 0..100, mode 100..108, uid 108..116, gid 116..124, size 124..136,
/// mtime 136..148, chksum 148..156, typeflag 156, linkname 157..257, magic "ustar\0" 257..263, version "00" 263..265.
/// </summary>
internal static class RawTarBuilder
{
    private const int Block = 512;

    /// <summary>A regular file entry named by raw bytes, followed by its content padded to a block.</summary>
    public static byte[] RegularFile(ReadOnlySpan<byte> name, ReadOnlySpan<byte> content)
    {
        var header = new byte[Block];
        name.CopyTo(header.AsSpan(0, 100));
        Octal(header.AsSpan(100, 8), 420); // 0644
        Octal(header.AsSpan(108, 8), 0);
        Octal(header.AsSpan(116, 8), 0);
        Octal(header.AsSpan(124, 12), content.Length);
        Octal(header.AsSpan(136, 12), 1_700_000_000);
        header[156] = (byte)'0';
        "ustar\0"u8.CopyTo(header.AsSpan(257));
        "00"u8.CopyTo(header.AsSpan(263));
        // The checksum is the byte sum of the header with the checksum field read as eight spaces.
        header.AsSpan(148, 8).Fill((byte)' ');
        var sum = header.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        var padded = new byte[(content.Length + Block - 1) / Block * Block];
        content.CopyTo(padded);
        return [.. header, .. padded];
    }

    /// <summary>The end-of-archive marker: two zero blocks.</summary>
    public static byte[] End() => new byte[2 * Block];

    private static void Octal(Span<byte> field, long value) =>
        Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(field.Length - 1, '0') + "\0").CopyTo(field);
}
