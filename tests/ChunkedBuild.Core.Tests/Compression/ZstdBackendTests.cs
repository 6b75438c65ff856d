using System.Buffers;
using ChunkedBuild.Core.Compression;
using Xunit;

namespace ChunkedBuild.Core.Tests.Compression;

/// <summary>The native and managed zstd backends must be interchangeable: the same frames, byte for byte.</summary>
public class ZstdBackendTests
{
    private static byte[] Encode(IFrameEncoder encoder, byte[] input)
    {
        var output = new ArrayBufferWriter<byte>();
        encoder.Encode(input, output);
        return output.WrittenSpan.ToArray();
    }

    public static TheoryData<int, int> Cases() => new()
    {
        { 1, 0 }, { 3, 0 }, { 3, 1 }, { 3, 2 }, { 3, 3 }, { 10, 2 }, { 19, 2 }, { 22, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Native_and_managed_frames_are_identical(int level, int kind)
    {
        var random = new Random(level * 10 + kind);
        var input = kind switch
        {
            0 => [],
            1 => "hello\n"u8.ToArray(),
            2 => Enumerable.Range(0, 3 << 20).Select(i => (byte)(i % 251 < 200 ? random.Next(40) : 0)).ToArray(),
            _ => new byte[1 << 20],
        };
        if (kind == 3) random.NextBytes(input);
        using var managed = new ZstdFrameEncoder(level);
        NativeZstdFrameEncoder native;
        try
        {
            native = new NativeZstdFrameEncoder(level);
        }
        catch (DllNotFoundException e)
        {
            Assert.Skip($"native libzstd is not loadable here: {e.Message}");
            return;
        }
        using (native)
        {
            var a = Encode(managed, input);
            Assert.Equal(a, Encode(native, input));
            Assert.Equal(a, Encode(managed, input)); // a reused context gives the same frame again
            using var decoded = new ZstdSharp.DecompressionStream(new MemoryStream(a));
            var back = new MemoryStream();
            decoded.CopyTo(back);
            Assert.Equal(input, back.ToArray());
        }
    }

    [Fact]
    public void Frames_record_their_content_size_and_no_checksum()
    {
        var frame = ZstdEncoders.Compress(new byte[1000], 3);
        Assert.Equal(new byte[] { 0x28, 0xB5, 0x2F, 0xFD }, frame[..4]);
        var descriptor = frame[4];
        Assert.Equal(0, descriptor & 0x04);           // Content_Checksum_flag
        Assert.NotEqual(0, descriptor & 0xC0 | descriptor & 0x20); // a content size field is present
    }
}
