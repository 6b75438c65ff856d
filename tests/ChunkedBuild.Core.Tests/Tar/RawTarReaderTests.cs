using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Tar;

/// <summary>Hand-built headers: every field encoding and header kind the reader must parse as Go's archive/tar does.</summary>
public class RawTarReaderTests
{
    [Fact]
    public void Base256NumbersIncludingNegativeTimes()
    {
        var header = RawTarBuilder.Header("neg", TarTypeFlag.Regular, 0, block =>
        {
            RawTarBuilder.Base256(block.AsSpan(136, 12), -1000);      // mtime
            RawTarBuilder.Base256(block.AsSpan(108, 8), 3_000_000);   // uid
            RawTarBuilder.Base256(block.AsSpan(124, 12), 600);        // size
        }, gnu: true);
        var tar = new RawTarBuilder().Entry(header, new byte[600]).End().ToArray();
        var read = TarTestKit.AssertRoundTrip(tar);
        var info = read.Entries[0].Info;
        Assert.Equal(new TarTime(-1000, 0), info.ModTime);
        Assert.Equal(3_000_000, info.Uid);
        Assert.Equal(600, info.Size);
    }

    [Theory]
    [InlineData("1.5", 1, 500_000_000)]
    [InlineData("-1.5", -2, 500_000_000)]
    [InlineData("-0.25", -1, 750_000_000)]
    [InlineData("1234567890.123456789", 1234567890, 123_456_789)]
    [InlineData("7.1234567899", 7, 123_456_789)]
    [InlineData("42", 42, 0)]
    [InlineData("42.", 42, 0)]
    [InlineData("-5", -5, 0)]
    public void PaxTimesKeepNanoseconds(string value, long seconds, int nanoseconds)
    {
        var tar = new RawTarBuilder()
            .Pax(RawTarBuilder.PaxRecord("mtime", value), RawTarBuilder.PaxRecord("atime", value), RawTarBuilder.PaxRecord("ctime", value))
            .Entry(RawTarBuilder.Header("t", TarTypeFlag.Regular, 0)).End().ToArray();
        var info = TarTestKit.AssertRoundTrip(tar).Entries[0].Info;
        Assert.Equal(new TarTime(seconds, nanoseconds), info.ModTime);
        Assert.Equal(new TarTime(seconds, nanoseconds), info.AccessTime);
        Assert.Equal(new TarTime(seconds, nanoseconds), info.ChangeTime);
    }

    [Fact]
    public void PaxOverridesAndXattrsWithRawBytes()
    {
        byte[] badKey = [.. "SCHILY.xattr.user."u8, 0xC3, 0x28];
        var tar = new RawTarBuilder()
            .Pax(RawTarBuilder.PaxRecord("path", "pax/name"),
                RawTarBuilder.PaxRecord("linkpath", "target"),
                RawTarBuilder.PaxRecord("uid", "5000000"),
                RawTarBuilder.PaxRecord("gid", "6000000"),
                RawTarBuilder.PaxRecord("uname", "u"),
                RawTarBuilder.PaxRecord("gname", ""), // empty: the header value stays
                RawTarBuilder.PaxRecord("size", "3"),
                RawTarBuilder.PaxRecord("SCHILY.xattr.user.bin"u8.ToArray(), [0, 0xFF, (byte)'\n', (byte)'=']),
                RawTarBuilder.PaxRecord("SCHILY.xattr.user.empty", ""),
                RawTarBuilder.PaxRecord(badKey, "v"u8.ToArray()),
                RawTarBuilder.PaxRecord("SCHILY.xattr.user.dup", "first"),
                RawTarBuilder.PaxRecord("SCHILY.xattr.user.dup", "second"))
            .Entry(RawTarBuilder.Header("short", TarTypeFlag.Regular, 99), "abc"u8.ToArray()).End().ToArray();
        var info = TarTestKit.AssertRoundTrip(tar).Entries[0].Info;
        Assert.Equal("pax/name", info.Name);
        Assert.Equal("target", info.LinkName);
        Assert.Equal(5_000_000, info.Uid);
        Assert.Equal(6_000_000, info.Gid);
        Assert.Equal("u", info.UserName);
        Assert.Equal("group", info.GroupName);
        Assert.Equal(3, info.Size);
        Assert.Equal(["user.bin", "user.empty", "user.\uFFFD(", "user.dup"], info.Xattrs.Select(x => x.Key));
        Assert.Equal(new byte[] { 0, 0xFF, (byte)'\n', (byte)'=' }, info.Xattrs[0].Value);
        Assert.Empty(info.Xattrs[1].Value);
        Assert.False(info.Xattrs[2].KeyIsUtf8);
        Assert.Equal("second"u8.ToArray(), info.Xattrs[3].Value);
        Assert.Equal(12, info.PaxRecords.Count);
    }

    [Fact]
    public void GnuLongNamesApplyToTheNextHeaderOnly()
    {
        var longName = Encoding.ASCII.GetBytes(new string('n', 300));
        var longLink = Encoding.ASCII.GetBytes(new string('k', 200));
        var tar = new RawTarBuilder()
            .GnuLong(TarTypeFlag.GnuLongName, longName)
            .GnuLong(TarTypeFlag.GnuLongLink, longLink)
            .Entry(RawTarBuilder.Header("trunc", TarTypeFlag.Symlink, 0, gnu: true))
            .Entry(RawTarBuilder.Header("plain", TarTypeFlag.Regular, 0, gnu: true))
            .End().ToArray();
        var read = TarTestKit.AssertRoundTrip(tar);
        Assert.Equal(new string('n', 300), read.Entries[0].Info.Name);
        Assert.Equal(new string('k', 200), read.Entries[0].Info.LinkName);
        Assert.Equal(512 * 5, read.Entries[0].Raw.RawPrefix.Length);
        Assert.Equal("plain", read.Entries[1].Info.Name);
    }

    [Fact]
    public void UstarPrefixIsJoined()
    {
        var header = RawTarBuilder.Header("name", TarTypeFlag.Regular, 0, block => "some/prefix"u8.CopyTo(block.AsSpan(345)));
        var tar = new RawTarBuilder().Entry(header).End().ToArray();
        Assert.Equal("some/prefix/name", TarTestKit.AssertRoundTrip(tar).Entries[0].Info.Name);
    }

    [Fact]
    public void OldGnuAccessAndChangeTimes()
    {
        var header = RawTarBuilder.Header("times", TarTypeFlag.Regular, 0, block =>
        {
            RawTarBuilder.Octal(block.AsSpan(345, 12), 1_700_000_001);
            RawTarBuilder.Octal(block.AsSpan(357, 12), 1_700_000_002);
        }, gnu: true);
        var plain = RawTarBuilder.Header("plain", TarTypeFlag.Regular, 0, gnu: true);
        var read = TarTestKit.AssertRoundTrip(new RawTarBuilder().Entry(header).Entry(plain).End().ToArray());
        Assert.Equal(new TarTime(1_700_000_001, 0), read.Entries[0].Info.AccessTime);
        Assert.Equal(new TarTime(1_700_000_002, 0), read.Entries[0].Info.ChangeTime);
        Assert.Null(read.Entries[1].Info.AccessTime);
        Assert.Null(read.Entries[1].Info.ChangeTime);
    }

    [Fact]
    public void SignedChecksumIsAccepted()
    {
        var header = RawTarBuilder.Header([.. "caf"u8, 0xE9], TarTypeFlag.Regular, 0);
        RawTarBuilder.SetChecksum(header, signed: true);
        var read = TarTestKit.AssertRoundTrip(new RawTarBuilder().Entry(header).End().ToArray());
        Assert.False(read.Entries[0].Info.NameIsUtf8);
    }

    [Fact]
    public void V7HeaderReadsOnlyV7Fields()
    {
        var header = RawTarBuilder.Header("v7file", TarTypeFlag.RegularLegacy, 5, block =>
        {
            block.AsSpan(257, 255).Clear();
            "ignored"u8.CopyTo(block.AsSpan(345));
        });
        var dir = RawTarBuilder.Header("v7dir/", TarTypeFlag.RegularLegacy, 0, block => block.AsSpan(257, 255).Clear());
        var read = TarTestKit.AssertRoundTrip(new RawTarBuilder().Entry(header, new byte[5]).Entry(dir).End().ToArray());
        Assert.Equal("v7file", read.Entries[0].Info.Name);
        Assert.Equal("", read.Entries[0].Info.UserName);
        Assert.True(read.Entries[0].Info.IsRegularFile);
        Assert.True(read.Entries[1].Info.IsHeaderOnlyType);
    }

    [Fact]
    public void HeaderOnlyTypesNeverHavePayloadWhateverTheirSize()
    {
        // Go's archive/tar reads no payload for a directory with size 100: the next header follows immediately.
        var tar = new RawTarBuilder()
            .Entry(RawTarBuilder.Header("dir/", TarTypeFlag.Directory, 100))
            .Entry(RawTarBuilder.Header("file", TarTypeFlag.Regular, 2), "hi"u8.ToArray())
            .End().ToArray();
        var read = TarTestKit.ReadAll(tar);
        Assert.Equal(tar, read.Concatenate());
        Assert.Equal(100, read.Entries[0].Info.Size);
        Assert.Equal(0, read.Entries[0].Raw.PayloadLength);
        Assert.Equal(0, read.Entries[0].Raw.PaddingLength);
        Assert.Equal("file", read.Entries[1].Info.Name);
        // tar-split writes the header size and the CRC-64 of the (empty) payload it read.
        var json = Encoding.UTF8.GetString(TarTestKit.Split(tar));
        Assert.Contains("{\"type\":1,\"name\":\"dir/\",\"size\":100,\"payload\":\"AAAAAAAAAAA=\",\"position\":1}\n", json);
        var lines = TarSplitReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json))).ToList();
        Assert.Equal(["dir/", "file"], TarSplitHeaders.Iterate(lines).Select(h => h.Header.Name));
        // Reassembly wants 100 bytes for "dir/" that no file can supply (the converters refuse such entries, CHB1107).
        TarTestKit.AssertCode(ErrorCodes.ValidationFailed,
            () => TarSplitAssembler.Assemble(lines, line => new MemoryStream(line.Name == "file" ? "hi"u8.ToArray() : []), new MemoryStream()));
    }

    [Fact]
    public void RawPrefixCarriesPaddingAndAllHeaderBlocks()
    {
        var tar = new RawTarBuilder()
            .Entry(RawTarBuilder.Header("a", TarTypeFlag.Regular, 10), new byte[10])
            .Pax(RawTarBuilder.PaxRecord("path", "b"))
            .Entry(RawTarBuilder.Header("b-short", TarTypeFlag.Regular, 0))
            .End().ToArray();
        var read = TarTestKit.ReadAll(tar);
        var second = read.Entries[1].Raw;
        Assert.Equal(502, second.PrecedingPaddingLength);
        Assert.Equal(502 + 512 * 3, second.RawPrefix.Length);
        Assert.Equal(512 + 10 + 502, second.HeaderOffset);
        Assert.Equal(second.HeaderOffset + 512 * 3, second.DataOffset);
        Assert.Equal(1, second.Index);
        Assert.Equal(tar.AsSpan(512 + 10, second.RawPrefix.Length).ToArray(), second.RawPrefix.ToArray());
    }

    [Fact]
    public void NonUtf8NameUsesNameRaw()
    {
        byte[] name = [.. "bad"u8, 0xFF, 0xFE];
        var tar = new RawTarBuilder().Entry(RawTarBuilder.Header(name, TarTypeFlag.Regular, 1), [7]).End().ToArray();
        var read = TarTestKit.AssertRoundTrip(tar);
        Assert.False(read.Entries[0].Info.NameIsUtf8);
        Assert.Equal(name, read.Entries[0].Info.NameBytes);
        var json = Encoding.UTF8.GetString(TarTestKit.Split(tar));
        Assert.Contains("{\"type\":1,\"name_raw\":\"" + Convert.ToBase64String(name) + "\",\"size\":1,\"payload\":", json);
    }

    [Fact]
    public void SparseEntriesAreFlaggedAndRefusedByTheSplitter()
    {
        var oldGnu = RawTarBuilder.Header("sparse", TarTypeFlag.GnuSparse, 512, block => RawTarBuilder.Octal(block.AsSpan(483, 12), 4096), gnu: true);
        var tar = new RawTarBuilder().Entry(oldGnu, new byte[512]).End().ToArray();
        var read = TarTestKit.ReadAll(tar);
        Assert.True(read.Entries[0].Info.IsSparse);
        Assert.Equal(4096, read.Entries[0].Info.Size);
        Assert.Equal(512, read.Entries[0].Raw.PayloadLength);
        Assert.Equal(tar, read.Concatenate());
        TarTestKit.AssertCode(ErrorCodes.SparseFile, () => TarTestKit.Split(tar));

        var pax = new RawTarBuilder().Pax(RawTarBuilder.PaxRecord("GNU.sparse.major", "1"), RawTarBuilder.PaxRecord("GNU.sparse.minor", "0"),
                RawTarBuilder.PaxRecord("GNU.sparse.name", "real-name"), RawTarBuilder.PaxRecord("GNU.sparse.realsize", "8192"))
            .Entry(RawTarBuilder.Header("GNUSparseFile.0/real-name", TarTypeFlag.Regular, 512), new byte[512]).End().ToArray();
        var paxRead = TarTestKit.ReadAll(pax);
        Assert.True(paxRead.Entries[0].Info.IsSparse);
        Assert.Equal("real-name", paxRead.Entries[0].Info.Name);
        Assert.Equal(8192, paxRead.Entries[0].Info.Size);
        Assert.Equal(pax, paxRead.Concatenate());
    }

    [Fact]
    public void DataCanBeReadInLargeBlocksOrSkipped()
    {
        var payload = new byte[1_000_003];
        new Random(5).NextBytes(payload);
        var tar = new RawTarBuilder()
            .Entry(RawTarBuilder.Header("big", TarTypeFlag.Regular, payload.Length), payload)
            .Entry(RawTarBuilder.Header("skipped", TarTypeFlag.Regular, payload.Length), payload)
            .Entry(RawTarBuilder.Header("last", TarTypeFlag.Regular, 0))
            .End().ToArray();
        var big = TarTestKit.ReadAll(tar, readSize: 600_000);
        Assert.Equal(payload, big.Entries[0].Payload);
        using var reader = new RawTarReader(new MemoryStream(tar));
        Assert.Equal("big", reader.ReadNext()!.Info.Name);
        Assert.Equal("skipped", reader.ReadNext()!.Info.Name);
        var last = reader.ReadNext()!;
        Assert.Equal("last", last.Info.Name);
        Assert.Equal(tar.Length - 1024 - 512, last.HeaderOffset);
        Assert.Null(reader.ReadNext());
        Assert.Null(reader.ReadNext());
        Assert.Equal(tar.Length, reader.Position);
    }
    [Fact]
    public void ReadsTheSameWhetherItsReadAheadBufferGrowsOrNot()
    {
        // Payloads on both sides of the buffer's sizes (64 KiB growing to 256 KiB), header-only entries between them, zero padding after the end.
        var random = new Random(12);
        var builder = new RawTarBuilder();
        var sizes = new[] { 0, 1, 511, 512, 65_535, 65_536, 65_537, 100_000, 131_072, 200_000, 262_144, 262_145, 700_001, 3 };
        for (var i = 0; i < sizes.Length; i++)
        {
            var payload = new byte[sizes[i]];
            random.NextBytes(payload);
            builder.Entry(RawTarBuilder.Header($"dir{i}/", TarTypeFlag.Directory, 0));
            builder.Entry(RawTarBuilder.Header($"dir{i}/file", TarTypeFlag.Regular, payload.Length), payload);
        }
        var tar = builder.End().ToArray().Concat(new byte[1536]).ToArray();

        // A stream that fills every read makes the buffer grow; one that returns a byte at a time never fills it.
        var growing = Read(new MemoryStream(tar));
        var fixedSize = Read(new Compression.NonSeekableStream(tar, maxRead: 1));
        Assert.Equal(2 * sizes.Length, growing.Entries.Count);
        Assert.Equal(fixedSize.Entries.Select(e => (e.Info.Name, e.Raw.HeaderOffset)), growing.Entries.Select(e => (e.Info.Name, e.Raw.HeaderOffset)));
        Assert.Equal(tar, growing.Concatenate());
        Assert.Equal(tar, fixedSize.Concatenate());
        Assert.Equal(1536, growing.AfterEnd.Length);

        static ReadTar Read(Stream input)
        {
            using var reader = new RawTarReader(input);
            var entries = new List<ReadEntry>();
            var chunk = new byte[150_000];
            while (reader.ReadNext() is { } entry)
            {
                var payload = new MemoryStream();
                int n;
                while ((n = reader.ReadData(chunk)) > 0) payload.Write(chunk, 0, n);
                entries.Add(new ReadEntry(entry, payload.ToArray()));
            }
            var after = new MemoryStream();
            int m;
            while ((m = reader.ReadAfterEnd(chunk)) > 0) after.Write(chunk, 0, m);
            return new ReadTar(entries, reader.EndOfArchive.ToArray(), reader.EndOfArchiveSynthesized, after.ToArray());
        }
    }
}
