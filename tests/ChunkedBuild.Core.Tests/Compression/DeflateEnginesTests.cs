using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using Xunit;

namespace ChunkedBuild.Core.Tests.Compression;

/// <summary>
/// The two deflate engines of gzip members (libdeflate, installed by .ci/run as Debian's libdeflate0, and the .NET runtime's
/// zlib-ng): both write valid, deterministic members; they write different bytes, so the engine is part of the cache key.
/// </summary>
public class DeflateEnginesTests
{
    public static TheoryData<string, int> EnginesAndLevels() => new()
    {
        { DeflateEngines.LibDeflate, 1 }, { DeflateEngines.LibDeflate, 6 }, { DeflateEngines.LibDeflate, 9 }, { DeflateEngines.LibDeflate, 0 },
        { DeflateEngines.ZlibNg, 1 }, { DeflateEngines.ZlibNg, 6 }, { DeflateEngines.ZlibNg, 9 }, { DeflateEngines.ZlibNg, 0 },
    };

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

    [Fact]
    public void Libdeflate_is_the_default_where_it_is_installed() =>
        Assert.Equal(DeflateEngines.LibDeflate, DeflateEngines.EngineFor(6));

    [Theory]
    [MemberData(nameof(EnginesAndLevels))]
    public void Every_engine_writes_a_complete_member_that_round_trips(string engine, int level)
    {
        foreach (var input in new[] { ZstdFrameEncoderTests.TestInput(level, 300_000), [], new byte[70_000], ZstdFrameEncoderTests.TestInput(7, 1) })
        {
            using var encoder = new GzipMemberEncoder(level, engine);
            var member = Encode(encoder, input);
            Assert.Equal(new byte[] { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, level switch { 9 => 2, 1 => 4, _ => 0 }, 0xFF }, member[..10]);
            Assert.Equal(Crc32.HashToUInt32(input), BinaryPrimitives.ReadUInt32LittleEndian(member.AsSpan(member.Length - 8)));
            Assert.Equal((uint)input.Length, BinaryPrimitives.ReadUInt32LittleEndian(member.AsSpan(member.Length - 4)));
            Assert.Equal(input, Gunzip(member));
            // exactly one complete raw deflate stream between header and trailer
            using var inflate = new DeflateStream(new MemoryStream(member[10..^8]), CompressionMode.Decompress);
            var inflated = new MemoryStream();
            inflate.CopyTo(inflated);
            Assert.Equal(input, inflated.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(EnginesAndLevels))]
    public void A_reused_encoder_writes_what_a_fresh_one_writes(string engine, int level)
    {
        using var reused = new GzipMemberEncoder(level, engine);
        for (var i = 0; i < 20; i++)
        {
            var input = ZstdFrameEncoderTests.TestInput(i, i * 4099);
            using var fresh = new GzipMemberEncoder(level, engine);
            Assert.Equal(Encode(fresh, input), Encode(reused, input));
        }
    }

    [Fact]
    public void The_engines_write_different_bytes_and_so_have_different_identities()
    {
        var input = ZstdFrameEncoderTests.TestInput(3, 200_000);
        using var libdeflate = new GzipMemberEncoder(6, DeflateEngines.LibDeflate);
        using var zlibNg = new GzipMemberEncoder(6, DeflateEngines.ZlibNg);
        Assert.NotEqual(Encode(libdeflate, input), Encode(zlibNg, input));

        var libdeflateId = DeflateEngines.Identity(6, DeflateEngines.LibDeflate);
        var zlibNgId = DeflateEngines.Identity(6, DeflateEngines.ZlibNg);
        Assert.StartsWith("libdeflate:", libdeflateId);
        Assert.StartsWith("zlib-ng:", zlibNgId);
        Assert.Equal(libdeflateId, DeflateEngines.Identity(6, DeflateEngines.LibDeflate));
        Assert.NotEqual(DeflateEngines.Identity(1, DeflateEngines.LibDeflate), libdeflateId);

        // what the converted-layer cache key takes from the format
        var format = LayerFormats.Get("estargz");
        Assert.Equal(zlibNgId, format.EncoderIdentity(new FormatOptions { TempDirectory = Path.GetTempPath(), DeflateEngine = DeflateEngines.ZlibNg }));
        Assert.Equal(DeflateEngines.Identity(6), format.EncoderIdentity(new FormatOptions { TempDirectory = Path.GetTempPath() }));
        Assert.NotEqual(format.EncoderIdentity(new FormatOptions { TempDirectory = Path.GetTempPath(), DeflateEngine = DeflateEngines.ZlibNg }),
            format.EncoderIdentity(new FormatOptions { TempDirectory = Path.GetTempPath(), DeflateEngine = DeflateEngines.LibDeflate }));
    }

    [Fact]
    public void An_unknown_engine_is_an_invalid_option()
    {
        var e = Assert.Throws<ChunkedBuildException>(() => new GzipMemberEncoder(6, "pigz"));
        Assert.Equal(ErrorCodes.InvalidOption, e.Code);
    }
}
