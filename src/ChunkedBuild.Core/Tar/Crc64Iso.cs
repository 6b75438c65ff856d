using System.Buffers.Binary;
using System.IO.Hashing;

namespace ChunkedBuild.Core.Tar;

/// <summary>
/// CRC-64 as Go's <c>hash/crc64</c> with the ISO table (CRC-64/GO-ISO: polynomial 0x1B reflected, init and final xor
/// all ones), which tar-split stores per file. Check value: "123456789" → 0xB90956C775A41001.
/// </summary>
public static class Crc64Iso
{
    private static readonly Crc64ParameterSet Parameters = Crc64ParameterSet.Create(0x000000000000001B, ulong.MaxValue, ulong.MaxValue, true);

    /// <summary>A fresh incremental CRC-64/GO-ISO.</summary>
    public static Crc64 Create() => new(Parameters);

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static ulong Compute(ReadOnlySpan<byte> data)
    {
        var crc = Create();
        crc.Append(data);
        return crc.GetCurrentHashAsUInt64();
    }

    /// <summary>The 8 bytes tar-split stores: the CRC big-endian (Go's <c>Sum</c>).</summary>
    public static byte[] ToBigEndianBytes(ulong crc)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, crc);
        return bytes;
    }
}
