using ChunkedBuild.Core.Formats.ZstdChunked;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.ZstdChunked;

public class ZstdChunkedFooterAndPositionTests
{
    [Fact]
    public void Footer_bytes_equal_the_worked_example_of_formats_md()
    {
        // docs/formats.md §1.11: last 72 bytes of the worked example blob.
        const string expected = "502a4d1840000000" + "7801000000000000" + "6501000000000000" + "f802000000000000"
            + "0100000000000000" + "e502000000000000" + "3102000000000000" + "bd1c000000000000" + "474e556c496e5578";
        var footer = new ZstdChunkedFooter(new ZstdChunkedPosition(376, 357, 760), new ZstdChunkedPosition(741, 561, 7357));
        var frame = new MemoryStream();
        Core.Compression.SkippableFrame.Write(frame, footer.ToBytes());
        Assert.Equal(expected, Convert.ToHexStringLower(frame.ToArray()));
        Assert.Equal(footer, ZstdChunkedFooter.TryParseFrame(frame.ToArray()));
    }

    [Fact]
    public void Footer_of_the_real_containers_storage_vector_agrees_with_its_annotations()
    {
        var blob = File.ReadAllBytes(Path.Combine(Testing.RepoPaths.Vectors, "worked-example.cstorage.zstd-chunked"));
        var footer = ZstdChunkedFooter.TryParseFrame(blob.AsSpan(blob.Length - ZstdChunkedFooter.FrameLength));
        Assert.NotNull(footer);
        Assert.Equal("396:350:760:1", footer.Toc.ToManifestPosition());
        Assert.Equal("754:599:7357", footer.TarSplit.ToTarSplitPosition());
    }

    [Theory]
    [InlineData("376:357:760:1", true)]
    [InlineData("376:357:760:2", false)]
    [InlineData("376:357:760", false)]
    [InlineData("-1:357:760:1", false)]
    [InlineData("a:357:760:1", false)]
    [InlineData(null, false)]
    public void Manifest_position_parses_only_the_reader_syntax(string? text, bool valid) =>
        Assert.Equal(valid, ZstdChunkedPosition.TryParseManifestPosition(text) is not null);

    [Theory]
    [InlineData("741:561:7357", true)]
    [InlineData("0:561:7357", false)]
    [InlineData("741:561", false)]
    public void Tarsplit_position_needs_three_numbers_and_a_positive_offset(string text, bool valid) =>
        Assert.Equal(valid, ZstdChunkedPosition.TryParseTarSplitPosition(text) is not null);
}
