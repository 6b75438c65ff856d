using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using ChunkedBuild.Core.Compression;
using Xunit;

namespace ChunkedBuild.Core.Tests.Compression;

public class GzipMemberEncoderTests
{
    private static byte[] Encode(IFrameEncoder encoder, ReadOnlySpan<byte> input)
    {
        var output = new ArrayBufferWriter<byte>();
        encoder.Encode(input, output);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        var result = new MemoryStream();
        gzip.CopyTo(result);
        return result.ToArray();
    }

    [Theory]
    [InlineData(0, 0x00)]
    [InlineData(1, 0x04)]
    [InlineData(6, 0x00)]
    [InlineData(9, 0x02)]
    public void MemberHasFixedHeaderAndTrailer(int level, byte xfl)
    {
        var input = ZstdFrameEncoderTests.TestInput(level, 70_000);
        using var encoder = new GzipMemberEncoder(level);
        var member = Encode(encoder, input);
        Assert.Equal(new byte[] { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, xfl, 0xFF }, member[..10]);
        Assert.Equal(Crc32.HashToUInt32(input), BinaryPrimitives.ReadUInt32LittleEndian(member.AsSpan(member.Length - 8)));
        Assert.Equal((uint)input.Length, BinaryPrimitives.ReadUInt32LittleEndian(member.AsSpan(member.Length - 4)));
        Assert.Equal(input, Gunzip(member));
        // The raw deflate stream between header and trailer is complete on its own (exactly one member).
        using var inflate = new DeflateStream(new MemoryStream(member[10..^8]), CompressionMode.Decompress);
        var inflated = new MemoryStream();
        inflate.CopyTo(inflated);
        Assert.Equal(input, inflated.ToArray());
        if (level == 0) Assert.True(member.Length > input.Length);
        else Assert.True(member.Length < input.Length / 2);
    }

    [Fact]
    public void EmptyInputIsAValidMember()
    {
        using var encoder = new GzipMemberEncoder(6);
        var member = Encode(encoder, []);
        // header and trailer (18 bytes) around the shortest final block: zlib-ng's fixed-Huffman 03 00, libdeflate's stored 01 00 00 FF FF
        Assert.InRange(member.Length, 20, 23);
        Assert.Empty(Gunzip(member));
    }

    [Fact]
    public void MembersAreDeterministicAndConcatenate()
    {
        var inputs = Enumerable.Range(0, 50).Select(i => ZstdFrameEncoderTests.TestInput(i, i * 997)).ToArray();
        using var reused = new GzipMemberEncoder(6);
        var all = new ArrayBufferWriter<byte>();
        foreach (var input in inputs)
        {
            int before = all.WrittenCount;
            reused.Encode(input, all);
            using var fresh = new GzipMemberEncoder(6);
            Assert.Equal(Encode(fresh, input), all.WrittenSpan[before..].ToArray());
        }
        Assert.Equal(inputs.SelectMany(i => i).ToArray(), Gunzip(all.WrittenSpan.ToArray()));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    public void RejectsLevelsOutsideZeroToNine(int level) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GzipMemberEncoder(level));
}
