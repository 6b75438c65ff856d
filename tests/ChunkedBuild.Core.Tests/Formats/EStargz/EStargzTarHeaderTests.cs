using System.Formats.Tar;
using ChunkedBuild.Core.Formats.EStargz;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.EStargz;

public class EStargzTarHeaderTests
{
    [Fact]
    public void Generated_header_is_a_valid_ustar_regular_file()
    {
        var tar = new MemoryStream();
        tar.Write(EStargzTarHeader.RegularFile(EStargzSpec.NoPrefetchLandmark, 1));
        tar.Write([EStargzSpec.LandmarkContent]);
        tar.Write(new byte[511 + 1024]);
        tar.Position = 0;
        using var reader = new TarReader(tar);
        var entry = reader.GetNextEntry();
        Assert.NotNull(entry);
        Assert.Equal(TarEntryFormat.Ustar, entry.Format);
        Assert.Equal(TarEntryType.RegularFile, entry.EntryType);
        Assert.Equal(EStargzSpec.NoPrefetchLandmark, entry.Name);
        Assert.Equal(1, entry.Length);
        Assert.Equal((UnixFileMode)420, entry.Mode);
        Assert.Equal(0, entry.Uid);
        Assert.Equal(DateTimeOffset.UnixEpoch, entry.ModificationTime);
        Assert.Equal(EStargzSpec.LandmarkContent, entry.DataStream!.ReadByte());
        Assert.Null(reader.GetNextEntry());
    }

    [Fact]
    public void Header_bytes_are_what_go_writes_for_the_same_fields()
    {
        var h = EStargzTarHeader.RegularFile("stargz.index.json", 0x1234);
        Assert.Equal("0000644\0"u8.ToArray(), h[100..108]);
        Assert.Equal("00000011064\0"u8.ToArray(), h[124..136]);
        Assert.Equal("00000000000\0"u8.ToArray(), h[136..148]);
        Assert.Equal("ustar\000"u8.ToArray(), h[257..265]);
        Assert.Equal((byte)' ', h[155]);
        Assert.Equal(0, h[154]);
    }
}
