using System.Text;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.EStargz;

public class EStargzTocSerializerTests
{
    [Fact]
    public void Keys_follow_the_go_struct_order_and_zero_values_are_omitted()
    {
        var entries = new List<EStargzTocEntry>
        {
            new() { Name = "bin/", Type = "dir", Mode = 493, ModTime = "2024-01-02T03:04:05Z" },
            new()
            {
                Name = "bin/app", Type = "reg", Size = 10, ModTime = "2024-01-02T03:04:05Z", Mode = 420, Uid = 1000, Gid = 1001,
                UserName = "u", GroupName = "g", Offset = 99, Digest = "sha256:aa", ChunkSize = 4, ChunkDigest = "sha256:bb",
                Xattrs = new Dictionary<string, byte[]> { ["user.b"] = [1, 2], ["user.a"] = "hi"u8.ToArray() },
            },
            new() { Name = "bin/app", Type = "chunk", Offset = 200, ChunkOffset = 4, ChunkDigest = "sha256:cc" },
            new() { Name = "dev/null", Type = "char", Mode = 438, DevMajor = 1, DevMinor = 3 },
            new() { Name = "empty", Type = "reg", Digest = "sha256:e3" },
        };
        var json = Encoding.UTF8.GetString(EStargzTocSerializer.Serialize(entries));
        Assert.Equal(
            "{\"version\":1,\"entries\":[" +
            "{\"name\":\"bin/\",\"type\":\"dir\",\"modtime\":\"2024-01-02T03:04:05Z\",\"mode\":493}," +
            "{\"name\":\"bin/app\",\"type\":\"reg\",\"size\":10,\"modtime\":\"2024-01-02T03:04:05Z\",\"mode\":420,\"uid\":1000,\"gid\":1001," +
            "\"userName\":\"u\",\"groupName\":\"g\",\"offset\":99,\"xattrs\":{\"user.a\":\"aGk=\",\"user.b\":\"AQI=\"},\"digest\":\"sha256:aa\"," +
            "\"chunkSize\":4,\"chunkDigest\":\"sha256:bb\"}," +
            "{\"name\":\"bin/app\",\"type\":\"chunk\",\"offset\":200,\"chunkOffset\":4,\"chunkDigest\":\"sha256:cc\"}," +
            "{\"name\":\"dev/null\",\"type\":\"char\",\"mode\":438,\"devMajor\":1,\"devMinor\":3}," +
            "{\"name\":\"empty\",\"type\":\"reg\",\"digest\":\"sha256:e3\"}]}",
            json);
        var parsed = EStargzTocParser.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal(1, parsed.Version);
        Assert.Equal(5, parsed.Entries.Count);
        Assert.Equal([1, 2], parsed.Entries[1].Xattrs["user.b"]);
        Assert.Equal(4, parsed.Entries[2].ChunkOffset);
        Assert.Equal(1001, parsed.Entries[1].Gid);
    }

    [Theory]
    [InlineData(0, 0, "")]
    [InlineData(0, 700_000_000, "")] // Go: Unix() == 0 means no time
    [InlineData(1704164645, 0, "2024-01-02T03:04:05Z")]
    [InlineData(1704164645, 499_999_999, "2024-01-02T03:04:05Z")]
    [InlineData(1704164645, 500_000_000, "2024-01-02T03:04:06Z")] // Go's Round: halfway rounds up
    [InlineData(-1, 0, "1969-12-31T23:59:59Z")]
    public void Modtime_is_rounded_to_the_second_like_go(long seconds, int nanos, string expected) =>
        Assert.Equal(expected, EStargzTocEntryFactory.FormatModTime(new TarTime(seconds, nanos)));

    [Fact]
    public void User_and_group_names_are_written_only_when_they_change_for_an_id()
    {
        var factory = new EStargzTocEntryFactory();
        EStargzTocEntry Make(long uid, string user) => factory.Create(new TarEntryInfo
        {
            Name = "f", NameBytes = "f"u8.ToArray(), NameIsUtf8 = true, TypeFlag = TarTypeFlag.Directory, Uid = uid, Gid = uid,
            UserName = user, GroupName = user,
        });
        Assert.Equal("root", Make(0, "root").UserName);
        Assert.Equal("", Make(0, "root").UserName);
        Assert.Equal("app", Make(1, "app").GroupName);
        Assert.Equal("", Make(0, "").UserName);
        Assert.Equal("", Make(0, "root").UserName); // an empty name does not reset what readers carry forward
        Assert.Equal("admin", Make(0, "admin").UserName);
    }

    [Fact]
    public void Xattr_keys_sort_by_utf8_bytes_like_go_maps()
    {
        // U+FF01 (EF BC 81) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16
        var entry = new EStargzTocEntry
        {
            Name = "x", Type = "dir",
            Xattrs = new Dictionary<string, byte[]> { ["user.\U0001F600"] = [], ["user.\uFF01"] = [] },
        };
        var json = Encoding.UTF8.GetString(EStargzTocSerializer.Serialize([entry]));
        Assert.True(json.IndexOf("\uFF01", StringComparison.Ordinal) < json.IndexOf("\U0001F600", StringComparison.Ordinal), json);
    }
}
