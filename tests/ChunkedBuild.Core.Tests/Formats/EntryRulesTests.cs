using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats;

public class EntryRulesTests
{
    private static RawTarEntry Entry(string name, byte type = TarTypeFlag.Regular, long size = 0, string link = "",
        bool nameUtf8 = true, bool sparse = false, IReadOnlyList<TarXattr>? xattrs = null, TarTime? mtime = null) => new()
    {
        Info = new TarEntryInfo
        {
            Name = name, NameBytes = Encoding.UTF8.GetBytes(name), NameIsUtf8 = nameUtf8, TypeFlag = type, Size = size,
            LinkName = link, IsSparse = sparse, Xattrs = xattrs ?? [], ModTime = mtime ?? default,
        },
        RawPrefix = new byte[512], PrecedingPaddingLength = 0, HeaderOffset = 1024, DataOffset = 1536, Index = 2,
    };

    private static string CodeOf(params RawTarEntry[] entries)
    {
        var rules = new EntryRules("layer.tar");
        var e = Assert.Throws<ChunkedBuildException>(() => { foreach (var x in entries) rules.Check(x); });
        Assert.Equal("layer.tar", e.Layer);
        Assert.Contains("offset 1024", e.Message);
        return e.Code;
    }

    [Fact]
    public void Accepts_an_ordinary_layer()
    {
        var rules = new EntryRules();
        foreach (var e in new[]
                 {
                     Entry("./", TarTypeFlag.Directory), Entry("./usr/", TarTypeFlag.Directory), Entry("./usr/a", size: 3),
                     Entry("./usr/h", TarTypeFlag.HardLink, link: "./usr/a"), Entry("usr/s", TarTypeFlag.Symlink, link: "../../etc/passwd"),
                     Entry("dev/null", TarTypeFlag.CharDevice), Entry("p", TarTypeFlag.Fifo), Entry("old", TarTypeFlag.RegularLegacy, size: 1),
                 })
            rules.Check(e);
    }

    [Fact] public void Refuses_non_utf8_names() => Assert.Equal(ErrorCodes.NonUtf8Name, CodeOf(Entry("bad\ufffd", nameUtf8: false)));
    [Fact] public void Refuses_sparse_files() => Assert.Equal(ErrorCodes.SparseFile, CodeOf(Entry("s", sparse: true, size: 10)));
    [Fact] public void Refuses_gnu_sparse_typeflag() => Assert.Equal(ErrorCodes.SparseFile, CodeOf(Entry("s", TarTypeFlag.GnuSparse)));
    [Fact] public void Refuses_global_pax_headers() => Assert.Equal(ErrorCodes.GlobalPaxHeader, CodeOf(Entry("g", TarTypeFlag.PaxGlobal)));
    [Fact] public void Refuses_contiguous_files() => Assert.Equal(ErrorCodes.UnsupportedTypeflag, CodeOf(Entry("c", TarTypeFlag.Contiguous)));
    [Fact] public void Refuses_header_only_entries_with_a_size() => Assert.Equal(ErrorCodes.HeaderOnlyEntryWithSize, CodeOf(Entry("d/", TarTypeFlag.Directory, size: 5)));
    [Fact] public void Refuses_non_utf8_xattr_keys() => Assert.Equal(ErrorCodes.NonUtf8XattrKey, CodeOf(Entry("x", xattrs: [new TarXattr("user.\ufffd", false, [1])])));
    [Fact] public void Refuses_path_traversal() => Assert.Equal(ErrorCodes.PathTraversal, CodeOf(Entry("a/../../etc/passwd")));
    [Fact] public void Refuses_times_json_cannot_express() => Assert.Equal(ErrorCodes.TimeOutOfRange, CodeOf(Entry("t", mtime: new TarTime(TarTime.MaxRfc3339Seconds + 1, 0))));

    [Fact]
    public void Refuses_duplicates_after_cleaning() =>
        Assert.Equal(ErrorCodes.DuplicatePath, CodeOf(Entry("./a"), Entry("a/")));

    [Fact]
    public void Refuses_hard_links_to_later_or_missing_targets() =>
        Assert.Equal(ErrorCodes.HardLinkTargetMissing, CodeOf(Entry("h", TarTypeFlag.HardLink, link: "later"), Entry("later")));
}
