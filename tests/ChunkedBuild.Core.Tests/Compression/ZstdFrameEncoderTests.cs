using System.Buffers;
using ChunkedBuild.Core.Compression;
using Xunit;
using ZstdSharp;

namespace ChunkedBuild.Core.Tests.Compression;

public class ZstdFrameEncoderTests
{
    internal static byte[] TestInput(int seed, int length)
    {
        // Compressible but not trivial: words from a small vocabulary with random bytes mixed in.
        var rng = new Random(seed);
        var words = new[] { "layer", "chunk", "frame", "zstd", "tar", "header", "payload", "\0\0\0\0", "digest" };
        var bytes = new byte[length];
        int i = 0;
        while (i < length)
        {
            if (rng.Next(4) == 0) { bytes[i++] = (byte)rng.Next(256); continue; }
            foreach (char c in words[rng.Next(words.Length)]) { if (i < length) bytes[i++] = (byte)c; }
        }
        return bytes;
    }

    private static byte[] Encode(IFrameEncoder encoder, ReadOnlySpan<byte> input)
    {
        var output = new ArrayBufferWriter<byte>();
        encoder.Encode(input, output);
        return output.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 3)]
    [InlineData(255, 1)]
    [InlineData(100_000, 3)]
    [InlineData(3_000_000, 10)]
    public void EncodeWritesExactlyOneFrameWithContentSizeAndNoChecksum(int length, int level)
    {
        var input = TestInput(length, length);
        using var encoder = new ZstdFrameEncoder(level);
        var frame = Encode(encoder, input);
        var info = ZstdFrameInfo.Parse(frame);
        Assert.Equal(frame.Length, info.FrameLength);
        Assert.Equal((ulong)length, info.ContentSize);
        Assert.False(info.HasChecksum);
        Assert.True(info.WindowSize <= 8UL << 20);
        using var decompressor = new Decompressor();
        Assert.Equal(input, decompressor.Unwrap(frame).ToArray());
    }

    [Theory]
    [InlineData(19)]
    [InlineData(22)]
    public void HighLevelsKeepTheWindowAtMost8MiB(int level)
    {
        // Larger than the window so the frame header has to state one; a repeated block keeps level 22 quick.
        var block = TestInput(level, 1 << 16);
        var input = new byte[9 << 20];
        for (int i = 0; i < input.Length; i += block.Length) block.CopyTo(input.AsSpan(i));
        using var encoder = new ZstdFrameEncoder(level);
        var frame = Encode(encoder, input);
        var info = ZstdFrameInfo.Parse(frame);
        Assert.Equal(frame.Length, info.FrameLength);
        Assert.True(info.WindowSize <= 8UL << 20, $"window {info.WindowSize}");
        using var decompressor = new Decompressor();
        decompressor.SetParameter(ZstdSharp.Unsafe.ZSTD_dParameter.ZSTD_d_windowLogMax, 23);
        Assert.Equal(input, decompressor.Unwrap(frame).ToArray());
    }

    [Fact]
    public void OutputDoesNotDependOnEncoderReuse()
    {
        var inputs = new[] { TestInput(1, 200_000), TestInput(2, 10), TestInput(3, 1_000_000), TestInput(1, 200_000), [] };
        using var reused = new ZstdFrameEncoder(3);
        var output = new ArrayBufferWriter<byte>();
        foreach (var input in inputs)
        {
            output.ResetWrittenCount();
            reused.Encode(input, output);
            using var fresh = new ZstdFrameEncoder(3);
            Assert.Equal(Encode(fresh, input), output.WrittenSpan.ToArray());
            Assert.Equal(ZstdFrameEncoder.Compress(input, 3), output.WrittenSpan.ToArray());
        }
    }

    [Fact]
    public void EncodeAppendsToWhatTheWriterAlreadyHolds()
    {
        using var encoder = new ZstdFrameEncoder(3);
        var output = new ArrayBufferWriter<byte>();
        var a = TestInput(5, 5000);
        var b = TestInput(6, 7000);
        encoder.Encode(a, output);
        int first = output.WrittenCount;
        encoder.Encode(b, output);
        var all = output.WrittenSpan.ToArray();
        Assert.Equal(first, ZstdFrameInfo.Parse(all).FrameLength);
        Assert.Equal(all.Length - first, ZstdFrameInfo.Parse(all.AsSpan(first)).FrameLength);
        using var stream = new DecompressionStream(new MemoryStream(all));
        var round = new MemoryStream();
        stream.CopyTo(round);
        Assert.Equal(a.Concat(b).ToArray(), round.ToArray());
    }
}
