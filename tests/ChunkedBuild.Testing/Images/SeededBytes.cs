using System.Text;

namespace ChunkedBuild.Testing.Images;

/// <summary>
/// Deterministic pseudo-random content for test images (splitmix64, fixed across runtimes and machines, unlike
/// <see cref="Random"/> whose algorithm is an implementation detail).
/// </summary>
public static class SeededBytes
{
    private static readonly string[] Words =
    [
        "layer", "chunk", "digest", "manifest", "index", "blob", "tar", "zstd", "gzip", "stargz", "footer", "toc",
        "registry", "image", "config", "platform", "amd64", "arm64", "linux", "entry", "offset", "payload", "frame",
    ];

    /// <summary><paramref name="length"/> incompressible bytes derived from <paramref name="seed"/>.</summary>
    public static byte[] Random(int length, ulong seed)
    {
        var bytes = new byte[length];
        var state = seed;
        for (var i = 0; i < length; i += 8)
        {
            var value = Next(ref state);
            for (var k = 0; k < 8 && i + k < length; k++) bytes[i + k] = (byte)(value >> (8 * k));
        }
        return bytes;
    }

    /// <summary>About <paramref name="length"/> bytes of compressible text lines (words picked from a small list by <paramref name="seed"/>).</summary>
    public static byte[] Text(int length, ulong seed)
    {
        var state = seed;
        var text = new StringBuilder(length + 64);
        var line = 0;
        while (text.Length < length)
        {
            text.Append(line++).Append(':');
            var words = 4 + (int)(Next(ref state) % 9);
            for (var w = 0; w < words; w++) text.Append(' ').Append(Words[Next(ref state) % (ulong)Words.Length]);
            text.Append('\n');
        }
        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    // splitmix64 (Steele, Lea, Flood 2014): state += golden gamma, then two xor-shift-multiply rounds.
    private static ulong Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
