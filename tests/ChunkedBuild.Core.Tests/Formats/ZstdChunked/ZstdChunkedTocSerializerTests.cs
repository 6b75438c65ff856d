using System.Text;
using System.Text.RegularExpressions;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.ZstdChunked;

public class ZstdChunkedTocSerializerTests
{
    private static readonly TarTime Mtime = new(1704164645, 0); // 2024-01-02T03:04:05Z

    [Fact]
    public void Serialized_toc_equals_containers_storage_bytes_for_the_worked_example()
    {
        var entries = new List<ZstdChunkedTocEntry>
        {
            new() { Type = "dir", Name = "usr/", Mode = 493, ModTime = Mtime },
            new()
            {
                Type = "reg", Name = "usr/hello.txt", Mode = 420, Size = 6, Uid = 1000, Gid = 1000, ModTime = Mtime,
                Xattrs = new Dictionary<string, string> { ["user.comment"] = "aGk=" },
                Digest = "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", Offset = 208, EndOffset = 227,
            },
            new() { Type = "symlink", Name = "usr/link", LinkName = "hello.txt", Mode = 511, ModTime = Mtime },
            new() { Type = "hardlink", Name = "usr/hard", LinkName = "usr/hello.txt", Mode = 420, Uid = 1000, Gid = 1000, ModTime = Mtime },
            new() { Type = "reg", Name = "usr/empty", Mode = 420, ModTime = Mtime },
        };
        var json = ZstdChunkedTocSerializer.Serialize(entries, "sha256:0866b4288da88d95c3f0e025618b77aacf67bb35405d089acfc394084bf535b7");
        var expected = File.ReadAllBytes(Path.Combine(Testing.RepoPaths.Vectors, "worked-example.cstorage.toc.json"));
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(json));
    }

    [Fact]
    public void Chunk_entries_times_and_devices_use_struct_order_and_omit_zero_values()
    {
        var entries = new List<ZstdChunkedTocEntry>
        {
            new()
            {
                Type = "reg", Name = "big", Size = 10, ModTime = new TarTime(1, 500_000_000), AccessTime = new TarTime(2, 123456789),
                Digest = "sha256:aa", Offset = 5, EndOffset = 50, ChunkSize = 4, ChunkDigest = "sha256:bb",
            },
            new() { Type = "chunk", Name = "big", Offset = 20, ChunkSize = 6, ChunkOffset = 4, ChunkDigest = "sha256:cc", ChunkType = "zeros" },
            new() { Type = "char", Name = "dev/null", Mode = 438, ModTime = new TarTime(0, 0), DevMajor = 1, DevMinor = 3 },
        };
        var json = Encoding.UTF8.GetString(ZstdChunkedTocSerializer.Serialize(entries, ""));
        Assert.Equal(
            """{"version":1,"entries":[{"type":"reg","name":"big","size":10,"modtime":"1970-01-01T00:00:01.5Z","accesstime":"1970-01-01T00:00:02.123456789Z","digest":"sha256:aa","offset":5,"endOffset":50,"chunkSize":4,"chunkDigest":"sha256:bb"},"""
            + """{"type":"chunk","name":"big","offset":20,"chunkSize":6,"chunkOffset":4,"chunkDigest":"sha256:cc","chunkType":"zeros"},"""
            + """{"type":"char","name":"dev/null","mode":438,"modtime":"1970-01-01T00:00:00Z","devMajor":1,"devMinor":3}]}""",
            json);
    }

    [Fact]
    public void Parser_reads_back_what_the_serializer_wrote_and_rejects_trailing_data()
    {
        var entry = new ZstdChunkedTocEntry
        {
            Type = "reg", Name = "a<b>&\u2028\"\\\u0001ü", Mode = 420, Size = 3, ModTime = new TarTime(-5, 7),
            Xattrs = new Dictionary<string, string> { ["user.x"] = "AA==" }, Digest = "sha256:dd", Offset = 9, EndOffset = 20,
        };
        var json = ZstdChunkedTocSerializer.Serialize([entry], "sha256:ee");
        Assert.Contains("a\\u003cb\\u003e\\u0026\\u2028\\\"\\\\\\u0001ü", Encoding.UTF8.GetString(json));
        var parsed = ZstdChunkedTocParser.Parse(json);
        var back = Assert.Single(parsed.Entries);
        Assert.Equal(entry.Name, back.Name);
        Assert.Equal(entry.ModTime, back.ModTime);
        Assert.Equal("AA==", back.Xattrs["user.x"]);
        Assert.Equal("sha256:ee", parsed.TarSplitDigest);
        Assert.Equal(json, ZstdChunkedTocSerializer.Serialize(parsed.Entries, parsed.TarSplitDigest));

        Assert.Throws<FormatException>(() => ZstdChunkedTocParser.Parse([.. json, .. "{}"u8]));
        Assert.Equal(entry.Name, ZstdChunkedTocParser.Parse([.. json, .. " \n"u8]).Entries[0].Name);
    }

    [Fact]
    public void Keys_are_matched_case_insensitively_like_the_reader()
    {
        var parsed = ZstdChunkedTocParser.Parse("""{"Version":1,"ENTRIES":[{"TYPE":"reg","Name":"x","Size":1,"unknown":true}],"TarSplitDigest":"d"}"""u8);
        Assert.Equal("x", parsed.Entries[0].Name);
        Assert.Equal(1, parsed.Entries[0].Size);
        Assert.Equal("d", parsed.TarSplitDigest);
        Assert.Matches(new Regex("^x$"), parsed.Entries[0].Name);
    }
}
