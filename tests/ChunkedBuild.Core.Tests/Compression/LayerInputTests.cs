using System.Formats.Tar;
using System.IO.Compression;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Errors;
using Xunit;

namespace ChunkedBuild.Core.Tests.Compression;

public class LayerInputTests
{
    private static byte[] MakeTar(TarEntryFormat format, int files = 3)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, format, leaveOpen: true))
        {
            for (int i = 0; i < files; i++)
            {
                var data = ZstdFrameEncoderTests.TestInput(i, 1000 + i * 40_000);
                TarEntry entry = format switch
                {
                    TarEntryFormat.V7 => new V7TarEntry(TarEntryType.V7RegularFile, $"file{i}"),
                    TarEntryFormat.Gnu => new GnuTarEntry(TarEntryType.RegularFile, $"file{i}"),
                    TarEntryFormat.Ustar => new UstarTarEntry(TarEntryType.RegularFile, $"file{i}"),
                    _ => new PaxTarEntry(TarEntryType.RegularFile, $"file{i}"),
                };
                entry.DataStream = new MemoryStream(data);
                writer.WriteEntry(entry);
            }
        }
        return stream.ToArray();
    }

    private static byte[] Gzip(params byte[][] members)
    {
        var result = new MemoryStream();
        foreach (var member in members)
        {
            using var gzip = new GZipStream(result, CompressionLevel.Fastest, leaveOpen: true);
            gzip.Write(member);
        }
        return result.ToArray();
    }

    private static byte[] ReadAll(Stream stream)
    {
        var result = new MemoryStream();
        var buffer = new byte[100_003];
        int n;
        while ((n = stream.Read(buffer)) > 0) result.Write(buffer, 0, n);
        return result.ToArray();
    }

    private static byte[] Skippable(byte[] payload)
    {
        var frame = new MemoryStream();
        SkippableFrame.Write(frame, payload);
        return frame.ToArray();
    }

    [Theory]
    [InlineData(TarEntryFormat.V7)]
    [InlineData(TarEntryFormat.Ustar)]
    [InlineData(TarEntryFormat.Pax)]
    [InlineData(TarEntryFormat.Gnu)]
    public void DetectsTarsByMagicOrChecksum(TarEntryFormat format)
    {
        var tar = MakeTar(format);
        if (format == TarEntryFormat.V7) Assert.False(tar.AsSpan(257, 5).SequenceEqual("ustar"u8));
        Assert.Equal(LayerCompression.Uncompressed, LayerInput.Detect(tar.AsSpan(0, 512)));
    }

    [Fact]
    public void DetectsByMagic()
    {
        Assert.Equal(LayerCompression.Gzip, LayerInput.Detect([0x1F, 0x8B, 8, 0]));
        Assert.Equal(LayerCompression.Zstd, LayerInput.Detect([0x28, 0xB5, 0x2F, 0xFD, 0]));
        Assert.Equal(LayerCompression.Zstd, LayerInput.Detect([0x5E, 0x2A, 0x4D, 0x18, 0, 0, 0, 0]));
        Assert.Equal(LayerCompression.Uncompressed, LayerInput.Detect(new byte[1024]));
        Assert.Null(LayerInput.Detect(new byte[512]));
        Assert.Null(LayerInput.Detect([]));
        Assert.Null(LayerInput.Detect("PK\x03\x04 not a layer"u8));
        // A header block with a wrong checksum and no magic is not a tar.
        var broken = MakeTar(TarEntryFormat.V7);
        broken[0] ^= 0x55;
        Assert.Null(LayerInput.Detect(broken.AsSpan(0, 512)));
    }

    [Fact]
    public void OpensAPlainTarWithoutSeeking()
    {
        var tar = MakeTar(TarEntryFormat.Pax);
        using var stream = LayerInput.OpenUncompressed(new NonSeekableStream(tar), out var compression);
        Assert.Equal(LayerCompression.Uncompressed, compression);
        Assert.Equal(tar, ReadAll(stream));
    }

    [Fact]
    public void OpensAnEmptyTar()
    {
        using var stream = LayerInput.OpenUncompressed(new NonSeekableStream(new byte[10240]), out var compression);
        Assert.Equal(LayerCompression.Uncompressed, compression);
        Assert.Equal(10240, ReadAll(stream).Length);
    }

    [Fact]
    public void ReadsEveryMemberOfAMultiMemberGzip()
    {
        var tar = MakeTar(TarEntryFormat.Pax, 6);
        var blob = Gzip(tar[..1000], tar[1000..50_000], [], tar[50_000..]);
        using var stream = LayerInput.OpenUncompressed(new NonSeekableStream(blob), out var compression);
        Assert.Equal(LayerCompression.Gzip, compression);
        Assert.Equal(tar, ReadAll(stream));
    }

    [Fact]
    public void ReadsEveryFrameOfAZstdStreamAndSkipsSkippableFrames()
    {
        var tar = MakeTar(TarEntryFormat.Pax, 6);
        var blob = ZstdFrameEncoder.Compress(tar[..700], 3)
            .Concat(Skippable([1, 2, 3]))
            .Concat(ZstdFrameEncoder.Compress(tar[700..60_000], 3))
            .Concat(ZstdFrameEncoder.Compress([], 3))
            .Concat(ZstdFrameEncoder.Compress(tar[60_000..], 19))
            .Concat(Skippable(new byte[5000]))
            .Concat(Skippable(new byte[64]))
            .ToArray();
        using var stream = LayerInput.OpenUncompressed(new NonSeekableStream(blob), out var compression);
        Assert.Equal(LayerCompression.Zstd, compression);
        Assert.Equal(tar, ReadAll(stream));

        // Leniency: a skippable frame before the first data frame.
        var leading = Skippable([9, 9]).Concat(ZstdFrameEncoder.Compress(tar, 1)).ToArray();
        using var second = LayerInput.OpenUncompressed(new NonSeekableStream(leading), out compression);
        Assert.Equal(LayerCompression.Zstd, compression);
        Assert.Equal(tar, ReadAll(second));
    }

    [Fact]
    public void UnknownContentIsCHB1201()
    {
        var e = Assert.Throws<ChunkedBuildException>(() => LayerInput.OpenUncompressed(new NonSeekableStream("hello world, not a layer"u8.ToArray()), out _));
        Assert.Equal(ErrorCodes.UnknownCompression, e.Code);
        e = Assert.Throws<ChunkedBuildException>(() => LayerInput.OpenUncompressed(new NonSeekableStream([]), out _));
        Assert.Equal(ErrorCodes.UnknownCompression, e.Code);
    }

    public static TheoryData<string> CorruptionCases => ["gzip-flipped", "gzip-truncated", "zstd-flipped", "zstd-truncated"];

    [Theory]
    [MemberData(nameof(CorruptionCases))]
    public void CorruptCompressedDataIsCHB1202FromRead(string corruption)
    {
        var tar = MakeTar(TarEntryFormat.Pax, 4);
        var blob = corruption.StartsWith("gzip") ? Gzip(tar) : ZstdFrameEncoder.Compress(tar, 3);
        if (corruption.EndsWith("flipped")) for (int i = blob.Length / 3; i < blob.Length / 3 + 64; i++) blob[i] ^= 0xA5;
        else blob = blob[..(blob.Length * 2 / 3)];
        using var stream = LayerInput.OpenUncompressed(new NonSeekableStream(blob), out _);
        var e = Assert.Throws<ChunkedBuildException>(() => ReadAll(stream));
        Assert.Equal(ErrorCodes.CorruptCompressedInput, e.Code);
    }
    [Theory]
    [InlineData(100)]
    [InlineData(5_000)]
    [InlineData(70_000)]
    [InlineData(600_000)]
    [InlineData(1_500_000)]
    public void TheGzipEndIsCheckedWhateverTheOutputSizeAndTheBlobSizeGiven(int length)
    {
        // A multi-member stream ending in a short member: its trailer is checked against the retained tail of the output, which grows with it.
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var blob = Gzip(data[..(length - 77)], data[(length - 77)..]);
        foreach (long? blobSize in new long?[] { null, blob.Length, 10 })
        {
            using (var stream = LayerInput.OpenUncompressed(new NonSeekableStream(blob), out _, blobSize: blobSize))
                Assert.Equal(data, ReadAll(stream));
            // Cut inside the last member (GZipStream reports a normal end): only the end check can tell.
            using var broken = LayerInput.OpenUncompressed(new NonSeekableStream(blob[..^10]), out _, blobSize: blobSize);
            Assert.Equal(ErrorCodes.CorruptCompressedInput, Assert.Throws<ChunkedBuildException>(() => ReadAll(broken)).Code);
        }
    }
}
