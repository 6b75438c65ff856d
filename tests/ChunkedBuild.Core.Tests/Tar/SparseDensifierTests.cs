using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Tar;

/// <summary>
/// The densifier on hand-made tars: every GNU sparse encoding becomes a regular file with the logical content, the neighbours and
/// the end of the archive keep their bytes, headers keep their metadata, and broken maps are CHB1006.
/// (Real GNU tar and bsdtar archives go through the same code in the sparse conformance suite.)
/// </summary>
public sealed class SparseDensifierTests
{
    private static readonly byte[] Before = "before\n"u8.ToArray();
    private static readonly byte[] After = "after, with odd padding\n"u8.ToArray();

    /// <summary>Densifies <paramref name="tar"/>, reading it in odd-sized pieces.</summary>
    private static (byte[] Output, IReadOnlyList<DensifiedEntry> Densified) Densify(byte[] tar, int readSize = 777)
    {
        using var densifier = new SparseDensifier(new MemoryStream(tar));
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = densifier.Read(buffer)) > 0) output.Write(buffer, 0, n);
        return (output.ToArray(), densifier.DensifiedEntries);
    }

    private static byte[] Around(Func<RawTarBuilder, RawTarBuilder> sparse) =>
        sparse(new RawTarBuilder().Entry(RawTarBuilder.Header("before.txt", TarTypeFlag.Regular, Before.Length), Before))
            .Entry(RawTarBuilder.Header("after.txt", TarTypeFlag.Regular, After.Length), After).End().ToArray();

    /// <summary>The densified tar holds before.txt, the file as a regular file with its dense bytes, after.txt, and an intact end.</summary>
    private static ReadTar AssertDense(byte[] output, SparseFile file)
    {
        var read = TarTestKit.ReadAll(output);
        Assert.Equal(["before.txt", file.Name, "after.txt"], read.Entries.Select(e => e.Info.Name));
        var dense = read.Entries[1];
        Assert.Equal(TarTypeFlag.Regular, dense.Info.TypeFlag);
        Assert.False(dense.Info.IsSparse);
        Assert.Equal(file.Size, dense.Info.Size);
        Assert.True(file.Dense().AsSpan().SequenceEqual(dense.Payload), "the payload is the logical content");
        Assert.Equal(Before, read.Entries[0].Payload);
        Assert.Equal(After, read.Entries[2].Payload);
        Assert.False(read.Synthesized);
        Assert.Equal(new byte[read.Entries[2].Raw.PaddingLength + 1024], read.EndOfArchive);
        // tar-split can describe it: nothing sparse is left
        TarTestKit.Split(output);
        return read;
    }

    [Fact]
    public void A_tar_without_sparse_entries_passes_through_byte_for_byte()
    {
        var tar = new RawTarBuilder()
            .Pax(RawTarBuilder.PaxRecord("path", "a/pax-name.txt"), RawTarBuilder.PaxRecord("mtime", "1700000000.5"))
            .Entry(RawTarBuilder.Header("a/short", TarTypeFlag.Regular, 3), "abc"u8.ToArray())
            .GnuLong(TarTypeFlag.GnuLongName, Encoding.ASCII.GetBytes(new string('n', 150)))
            .Entry(RawTarBuilder.Header("n", TarTypeFlag.Regular, 700, gnu: true), new byte[700])
            .Entry(RawTarBuilder.Header("a/dir/", TarTypeFlag.Directory, 0))
            .End().Raw(new byte[4096]).ToArray();
        foreach (var size in new[] { 1, 511, 512, 777, 1 << 16 })
        {
            var (output, densified) = Densify(tar, size);
            Assert.Equal(tar, output);
            Assert.Empty(densified);
        }
        // A tar that lacks its end marker comes out lacking it too: the writers complete it (and say so) as they do for the input.
        var truncated = tar[..(tar.Length - 4096 - 1024)];
        Assert.Equal(truncated, Densify(truncated).Output);
    }

    [Fact]
    public void Old_gnu_sparse_with_two_extension_blocks_becomes_a_regular_file()
    {
        // 30 regions: 4 in the header, 21 in the first extension block, 5 in the second; the file ends in a hole
        var file = SparseFile.Striped("dir/old-gnu.bin", 30, 100, 4096, 200_000);
        var (output, densified) = Densify(Around(t => t.OldGnu(file)));
        var read = AssertDense(output, file);
        Assert.Equal([new DensifiedEntry(file.Name, "gnu-old", file.Size, 3000)], densified);
        var header = read.Entries[1].Raw.HeaderBytes.Span;
        Assert.Equal(512, header.Length); // the extension blocks are gone
        Assert.True(header[386..495].IndexOfAnyExcept((byte)0) < 0, "map, isextended and realsize are cleared");
        Assert.Equal("ustar  \0"u8.ToArray(), header[257..265].ToArray()); // still a GNU header
    }

    [Theory]
    [InlineData("0.0")]
    [InlineData("0.1")]
    [InlineData("1.0")]
    public void Pax_sparse_becomes_a_regular_file_keeping_its_other_records(string version)
    {
        // 50 regions: the 1.0 map needs two blocks
        var file = SparseFile.Striped("dir/pax-" + version + ".bin", 50, 512, 65536, 50 * 65536 + 5000);
        byte[][] extra = [RawTarBuilder.PaxRecord("mtime", "1700000000.123456789"), RawTarBuilder.PaxRecord("SCHILY.xattr.user.k", "v\0w")];
        Assert.True(SparseTarBuilder.Map10(file).Length > 512);
        var tar = Around(t => version switch
        {
            "0.0" => t.Pax00(file, extra),
            "0.1" => t.Pax01(file, extra),
            _ => t.Pax10(file, null, extra),
        });
        var (output, densified) = Densify(tar);
        var read = AssertDense(output, file);
        Assert.Equal([new DensifiedEntry(file.Name, "pax-" + version, file.Size, 50 * 512)], densified);
        var info = read.Entries[1].Info;
        Assert.Equal(["mtime", "SCHILY.xattr.user.k"], info.PaxRecords.Select(r => r.Key)); // no GNU.sparse.*, no path: the name fits the header
        Assert.Equal(new TarTime(1_700_000_000, 123_456_789), info.ModTime);
        Assert.Equal("v\0w"u8.ToArray(), Assert.Single(info.Xattrs).Value);
        Assert.Equal(file.Name, Encoding.ASCII.GetString(read.Entries[1].Raw.HeaderBytes.Span[^512..][..100]).TrimEnd('\0'));
    }

    [Fact]
    public void A_long_real_name_goes_into_a_path_record()
    {
        var file = new SparseFile("dir/" + new string('l', 150) + ".bin", 10_000, [(4096, new byte[] { 1, 2, 3 })]);
        var (output, _) = Densify(Around(t => t.Pax10(file)));
        var info = AssertDense(output, file).Entries[1].Info;
        Assert.Equal(Encoding.ASCII.GetBytes(file.Name), info.PaxRecords.Single(r => r.Key == "path").Value);
    }

    [Fact]
    public void Sizes_from_8_GiB_on_are_base256_in_gnu_headers_and_a_size_record_in_pax()
    {
        const long size = 9L << 30; // only hole, so reading the headers costs nothing
        var file = new SparseFile("huge.bin", size, [(size - 3, new byte[] { 7, 8, 9 })]);
        foreach (var (tar, label) in new[] { (Around(t => t.OldGnu(file)), "gnu-old"), (Around(t => t.Pax10(file)), "pax-1.0") })
        {
            using var densifier = new SparseDensifier(new MemoryStream(tar));
            using var reader = new RawTarReader(densifier);
            reader.ReadNext();
            var huge = reader.ReadNext()!;
            Assert.Equal(size, huge.Info.Size);
            Assert.Equal(size, huge.PayloadLength);
            var header = huge.HeaderBytes.Span[^512..];
            if (label == "gnu-old") Assert.Equal(0x80, header[124]);
            else Assert.Equal(Encoding.ASCII.GetBytes(size.ToString(System.Globalization.CultureInfo.InvariantCulture)), huge.Info.PaxRecords.Single(r => r.Key == "size").Value);
            Assert.Equal(label, Assert.Single(densifier.DensifiedEntries).Format);
        }
    }

    public static TheoryData<string, string> BrokenMaps() => new()
    {
        { "overlap", "overlaps" },
        { "beyond", "beyond the real size" },
        { "more-stored", "the entry stores" },
        { "less-stored", "the entry stores" },
        { "map-past-data", "runs past the end" },
        { "bad-count", "numblocks" },
        { "not-a-number", "not two numbers" },
    };

    [Theory]
    [MemberData(nameof(BrokenMaps))]
    public void A_map_go_rejects_is_CHB1006_naming_the_entry(string how, string reason)
    {
        var good = new SparseFile("broken.bin", 10_000, [(0, new byte[100]), (5000, new byte[100])]);
        var tar = how switch
        {
            "overlap" => Around(t => t.OldGnu(good with { Regions = [(0, new byte[100]), (50, new byte[100])] })),
            "beyond" => Around(t => t.OldGnu(good, mapSizeOverride: 5050)),
            "more-stored" => Around(t => t.Pax10(good, Encoding.ASCII.GetBytes("1\n0\n100\n"))),
            "less-stored" => Around(t => t.Pax10(good, Encoding.ASCII.GetBytes("2\n0\n100\n5000\n200\n"))),
            "map-past-data" => Around(t => t.Pax10(good with { Regions = [] }, Encoding.ASCII.GetBytes("2\n0\n"))),
            "bad-count" => Around(t => t.Pax(RawTarBuilder.PaxRecord("GNU.sparse.size", "10000"), RawTarBuilder.PaxRecord("GNU.sparse.numblocks", "3"),
                    RawTarBuilder.PaxRecord("GNU.sparse.map", "0,100,5000,100"))
                .Entry(RawTarBuilder.Header("broken.bin", TarTypeFlag.Regular, 200), new byte[200])),
            _ => Around(t => t.Pax10(good, Encoding.ASCII.GetBytes("2\n0\n100\nx\n100\n"))),
        };
        var e = Assert.Throws<ChunkedBuildException>(() => Densify(tar));
        Assert.Equal(ErrorCodes.TarBadSparseMap, e.Code);
        Assert.Contains("broken.bin", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void An_unknown_sparse_version_passes_through_and_the_writers_refuse_it()
    {
        var tar = Around(t => t.Pax(RawTarBuilder.PaxRecord("GNU.sparse.major", "2"), RawTarBuilder.PaxRecord("GNU.sparse.minor", "0"))
            .Entry(RawTarBuilder.Header("future.bin", TarTypeFlag.Regular, 3), [1, 2, 3]));
        Assert.Equal(tar, Densify(tar).Output);
        foreach (var format in LayerFormats.Names)
        {
            var e = Assert.Throws<ChunkedBuildException>(() => Write(format, tar, new FormatOptions { TempDirectory = Path.GetTempPath() }));
            Assert.Equal(ErrorCodes.SparseFile, e.Code);
            Assert.Contains("no sparse version the densifier knows", e.Message);
        }
    }

    [Fact]
    public void Refuse_mode_keeps_CHB1102_and_densify_mode_names_what_it_rewrote()
    {
        var file = SparseFile.Striped("s.bin", 3, 10, 1000, 5000);
        var tar = Around(t => t.OldGnu(file));
        foreach (var format in LayerFormats.Names)
        {
            var e = Assert.Throws<ChunkedBuildException>(() => Write(format, tar, new FormatOptions { TempDirectory = Path.GetTempPath(), Sparse = SparseMode.Refuse }));
            Assert.Equal(ErrorCodes.SparseFile, e.Code);
            Assert.Contains("--sparse refuse", e.Message);
            var result = Write(format, tar, new FormatOptions { TempDirectory = Path.GetTempPath() });
            Assert.Equal([new DensifiedEntry("s.bin", "gnu-old", 5000, 30)], result.DensifiedEntries);
        }
    }

    private static LayerWriteResult Write(string format, byte[] tar, FormatOptions options)
    {
        try
        {
            return LayerFormats.Get(format).WriteAsync(new MemoryStream(tar), new MemoryStream(), options, TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        }
        catch (AggregateException e) when (e.InnerException is ChunkedBuildException coded)
        {
            throw coded;
        }
    }
}
