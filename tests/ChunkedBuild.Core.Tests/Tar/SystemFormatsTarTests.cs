using System.Formats.Tar;
using System.Text;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Tar;

/// <summary>Tars written by System.Formats.Tar: PAX with xattrs and times, GNU long names, devices, FIFOs, V7, ustar, global headers.</summary>
public class SystemFormatsTarTests
{
    private static readonly string LongName = "deep/" + new string('n', 150) + "/" + new string('m', 150) + ".txt";
    private static readonly string LongTarget = new('t', 180);
    private static readonly DateTimeOffset MTime = new(2022, 5, 6, 7, 8, 9, TimeSpan.Zero);

    [Fact]
    public void PaxEntriesWithXattrsAndTimes()
    {
        var tar = Write(writer =>
        {
            var attributes = new Dictionary<string, string>
            {
                ["SCHILY.xattr.user.comment"] = "café",
                ["SCHILY.xattr.security.capability"] = "cap",
            };
            var file = new PaxTarEntry(TarEntryType.RegularFile, "pax/file.txt", attributes)
            {
                DataStream = new MemoryStream("pax payload"u8.ToArray()),
                Uid = 3_000_000,
                Gid = 4_000_000,
                Mode = (UnixFileMode)0x1A4,
                ModificationTime = MTime.AddTicks(1_234_567),
            };
            writer.WriteEntry(file);
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, LongName) { DataStream = new MemoryStream(new byte[1000]) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "pax/link") { LinkName = LongTarget });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "pax/null") { DeviceMajor = 1, DeviceMinor = 3 });
        }, TarEntryFormat.Pax);

        var read = TarTestKit.AssertRoundTrip(tar);
        SystemTarOracle.AssertAgrees(tar, read);
        var info = read.Entries[0].Info;
        Assert.Equal(3_000_000, info.Uid);
        Assert.Equal(4_000_000, info.Gid);
        Assert.Equal(new TarTime(MTime.ToUnixTimeSeconds(), 123_456_700), info.ModTime);
        var xattrs = info.Xattrs.ToDictionary(x => x.Key, x => x.Value);
        Assert.Equal("café"u8.ToArray(), xattrs["user.comment"]);
        Assert.Equal("cap"u8.ToArray(), xattrs["security.capability"]);
        Assert.Equal(LongName, read.Entries[1].Info.Name);
        Assert.Equal(LongTarget, read.Entries[2].Info.LinkName);
        Assert.Equal((1L, 3L), (read.Entries[3].Info.DevMajor, read.Entries[3].Info.DevMinor));
    }

    [Fact]
    public void GnuEntriesWithLongNamesDevicesAndFifos()
    {
        var tar = Write(writer =>
        {
            writer.WriteEntry(new GnuTarEntry(TarEntryType.Directory, "gnu/") { ModificationTime = MTime });
            writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, LongName) { DataStream = new MemoryStream(new byte[513]), ModificationTime = MTime });
            writer.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, "gnu/link") { LinkName = LongTarget });
            writer.WriteEntry(new GnuTarEntry(TarEntryType.HardLink, "gnu/hard") { LinkName = LongName });
            writer.WriteEntry(new GnuTarEntry(TarEntryType.BlockDevice, "gnu/sda") { DeviceMajor = 8, DeviceMinor = 1 });
            writer.WriteEntry(new GnuTarEntry(TarEntryType.Fifo, "gnu/fifo"));
            writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "gnu/times")
            {
                AccessTime = MTime.AddDays(1),
                ChangeTime = MTime.AddDays(2),
                ModificationTime = MTime,
            });
        }, TarEntryFormat.Gnu);

        var read = TarTestKit.AssertRoundTrip(tar);
        SystemTarOracle.AssertAgrees(tar, read);
        Assert.Equal(LongName, read.Entries[1].Info.Name);
        Assert.Equal(LongTarget, read.Entries[2].Info.LinkName);
        Assert.Equal(LongName, read.Entries[3].Info.LinkName);
        Assert.Equal((8L, 1L), (read.Entries[4].Info.DevMajor, read.Entries[4].Info.DevMinor));
        Assert.Equal(TarTypeFlag.Fifo, read.Entries[5].Info.TypeFlag);
        Assert.Equal(MTime.AddDays(1).ToUnixTimeSeconds(), read.Entries[6].Info.AccessTime!.Value.Seconds);
        Assert.Equal(MTime.AddDays(2).ToUnixTimeSeconds(), read.Entries[6].Info.ChangeTime!.Value.Seconds);
        // 'L' record + data + padding, then 'K' record for the link: all in the entry's raw prefix.
        Assert.Equal(512 + 512 + 512, read.Entries[1].Raw.HeaderBytes.Length);
    }

    [Fact]
    public void UstarPrefixAndV7()
    {
        var ustarName = new string('p', 120) + "/" + new string('f', 90);
        var ustar = Write(writer =>
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, ustarName) { DataStream = new MemoryStream(new byte[10]) });
            writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, "dir/"));
        }, TarEntryFormat.Ustar);
        var read = TarTestKit.AssertRoundTrip(ustar);
        SystemTarOracle.AssertAgrees(ustar, read);
        Assert.Equal(ustarName, read.Entries[0].Info.Name);

        var v7 = Write(writer =>
        {
            writer.WriteEntry(new V7TarEntry(TarEntryType.V7RegularFile, "file") { DataStream = new MemoryStream(new byte[700]) });
            writer.WriteEntry(new V7TarEntry(TarEntryType.Directory, "dir/"));
            writer.WriteEntry(new V7TarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "file" });
        }, TarEntryFormat.V7);
        var readV7 = TarTestKit.AssertRoundTrip(v7);
        SystemTarOracle.AssertAgrees(v7, readV7);
        Assert.True(readV7.Entries[0].Info.IsRegularFile);
        Assert.Equal(TarTypeFlag.RegularLegacy, readV7.Entries[0].Info.TypeFlag);
    }

    [Fact]
    public void GlobalHeaderIsAnEntryOfItsOwn()
    {
        var tar = Write(writer =>
        {
            writer.WriteEntry(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "hello" }));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "after-global") { DataStream = new MemoryStream(new byte[3]) });
        }, TarEntryFormat.Pax);
        var read = TarTestKit.AssertRoundTrip(tar);
        Assert.Equal(TarTypeFlag.PaxGlobal, read.Entries[0].Info.TypeFlag);
        Assert.Equal(0, read.Entries[0].Info.Size);
        Assert.Contains(read.Entries[0].Info.PaxRecords, r => r.Key == "comment" && Encoding.UTF8.GetString(r.Value) == "hello");
        // Like Go, the padding of the global header's record data starts the next entry's raw prefix.
        Assert.Equal(read.Entries[0].Raw.PaddingLength, read.Entries[1].Raw.PrecedingPaddingLength);
        Assert.Equal("after-global", read.Entries[1].Info.Name);
        var lines = TarSplitReader.Read(new MemoryStream(TarTestKit.Split(tar))).ToList();
        Assert.Equal(2, lines.Count(l => l.Type == TarSplitEntry.FileType));
    }

    private static byte[] Write(Action<TarWriter> write, TarEntryFormat format)
    {
        var output = new MemoryStream();
        using (var writer = new TarWriter(output, format, leaveOpen: true)) write(writer);
        return output.ToArray();
    }
}
