using ChunkedBuild.Core.Formats.EStargz;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.EStargz;

public class EStargzFooterTests
{
    [Fact]
    public void Footer_for_offset_0x1234_equals_the_example_of_formats_md()
    {
        // docs/formats.md §3.4
        const string expected = "1f8b08040000000000ff" + "1a00" + "5347" + "1600" + "30303030303030303030303031323334"
            + "53544152475a" + "010000ffff" + "0000000000000000";
        var footer = EStargzFooter.Create(0x1234);
        Assert.Equal(expected, Convert.ToHexStringLower(footer));
        Assert.True(EStargzFooter.TryParse(footer, out var offset, out var error), error);
        Assert.Equal(0x1234, offset);
    }

    [Fact]
    public void Footer_decompresses_to_nothing()
    {
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(EStargzFooter.Create(0xabcdef)), System.IO.Compression.CompressionMode.Decompress);
        Assert.Equal(-1, gzip.ReadByte());
    }

    [Fact]
    public void Footer_of_the_real_stargz_vector_points_at_its_toc_member()
    {
        var blob = File.ReadAllBytes(Path.Combine(Testing.RepoPaths.Vectors, "worked-example.stargz.estargz"));
        Assert.True(EStargzFooter.TryParse(blob.AsSpan(blob.Length - EStargzFooter.Size), out var offset, out var error), error);
        Assert.Equal(572, offset); // the member that starts with the stargz.index.json header
        Assert.Equal(blob.AsSpan(blob.Length - EStargzFooter.Size).ToArray(), EStargzFooter.Create(offset));
    }

    [Fact]
    public void Upper_case_hex_a_short_footer_and_a_wrong_magic_are_rejected()
    {
        var upper = EStargzFooter.Create(0xABC);
        upper[16 + 13] = (byte)'A';
        Assert.False(EStargzFooter.TryParse(upper, out _, out var e1));
        Assert.Contains("lowercase hex", e1);

        Assert.False(EStargzFooter.TryParse(EStargzFooter.Create(1).AsSpan(1), out _, out var e2));
        Assert.Contains("51 bytes", e2);

        var magic = EStargzFooter.Create(1);
        magic[32] = (byte)'X';
        Assert.False(EStargzFooter.TryParse(magic, out _, out var e3));
        Assert.Contains("STARGZ", e3);
    }
}
