namespace ChunkedBuild.Core.Tar;

/// <summary>
/// Writes tar header fields the way Go's <c>archive/tar</c> writer formats them: octal numbers zero-padded over all
/// but the last byte of the field, which is NUL; GNU base-256 for numbers octal cannot hold; the checksum as six octal
/// digits, NUL and space.
/// </summary>
internal static class TarFieldWriter
{
    /// <summary>The largest value an octal field of <paramref name="fieldLength"/> bytes holds (digits in all but the last byte).</summary>
    public static long MaxOctal(int fieldLength) => (1L << (3 * (fieldLength - 1))) - 1;

    /// <summary>Go's <c>formatOctal</c>: zero-padded octal digits, then NUL. The value must fit (see <see cref="MaxOctal"/>).</summary>
    public static void Octal(Span<byte> field, long value)
    {
        if (value < 0 || value > MaxOctal(field.Length))
            throw new ArgumentOutOfRangeException(nameof(value), value, $"does not fit an octal field of {field.Length} bytes");
        field[^1] = 0;
        for (var i = field.Length - 2; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
    }

    /// <summary>
    /// Go's <c>formatNumeric</c>: octal when the value fits, else GNU base-256 (first byte 0x80, the value big-endian in
    /// the rest of the field). Only GNU headers may carry base-256; the value must be non-negative.
    /// </summary>
    public static void Numeric(Span<byte> field, long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if (value <= MaxOctal(field.Length))
        {
            Octal(field, value);
            return;
        }
        field.Clear();
        field[0] = 0x80;
        for (var i = field.Length - 1; i > 0 && value > 0; i--)
        {
            field[i] = (byte)value;
            value >>= 8;
        }
    }

    /// <summary>
    /// Fills the checksum field of a 512-byte header block: the unsigned sum of every byte with the field counted as
    /// eight spaces, as six octal digits, NUL and a space (what Go and GNU tar write).
    /// </summary>
    public static void Checksum(Span<byte> block)
    {
        var field = block[TarHeaderBlock.Checksum];
        field.Fill((byte)' ');
        long sum = 0;
        foreach (var b in block) sum += b;
        Octal(field[..7], sum);
        field[7] = (byte)' ';
    }
}
