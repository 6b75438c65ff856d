using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Prioritization.Manifests;
using Xunit;

namespace ChunkedBuild.Core.Tests.Prioritization.Manifests;

public class AccessRecordTests
{
    [Fact]
    public void Reads_a_stargz_snapshotter_record()
    {
        const string record = """
            {"path":"app/x.dll","manifestDigest":"sha256:aa","layerIndex":2}
            {"path":"usr/share/dotnet/dotnet","manifestDigest":"sha256:aa","layerIndex":0}
            {"path":"app/x.dll","manifestDigest":"sha256:aa","layerIndex":2}
            {"path":"./etc/hosts"}

            """;
        var parsed = AccessRecord.Parse(record, "record.json");
        Assert.Equal(AccessRecordFormat.StargzRecord, parsed.Format);
        Assert.Equal(
            [new AccessRecordEntry("/app/x.dll", 2, "sha256:aa"), new AccessRecordEntry("/usr/share/dotnet/dotnet", 0, "sha256:aa"), new AccessRecordEntry("/etc/hosts")],
            parsed.Entries);
    }

    [Fact]
    public void Reads_a_plain_path_list_with_comments()
    {
        const string list = "# startup files\n\n/app/x.dll\r\napp/y.dll\n  ./app/x.dll  \n# end\n/lib/libc.so.6\n";
        var parsed = AccessRecord.Parse(list, "list.txt");
        Assert.Equal(AccessRecordFormat.PathList, parsed.Format);
        Assert.Equal(["/app/x.dll", "/app/y.dll", "/lib/libc.so.6"], parsed.Paths);
        Assert.All(parsed.Entries, e => Assert.Null(e.LayerIndex));
    }

    [Theory]
    [InlineData("{\"path\":\"a\"}\nnot json\n", 2, "not a JSON record object")]
    [InlineData("{\"path\":1}\n", 1, "needs a string \"path\"")]
    [InlineData("{\"path\":\"a\",\"layerIndex\":-1}\n", 1, "non-negative integer")]
    [InlineData("{\"path\":\"a\",\"manifestDigest\":3}\n", 1, "\"manifestDigest\" must be a string")]
    [InlineData("{\"path\":\"a\"}\n[1]\n", 2, "must be a JSON object")]
    public void Bad_record_lines_name_the_line(string text, int line, string rule)
    {
        var e = Assert.Throws<ChunkedBuildException>(() => AccessRecord.Parse(text, "rec"));
        Assert.Equal(ErrorCodes.InvalidAccessRecord, e.Code);
        Assert.Contains($"rec:{line}:", e.Message);
        Assert.Contains(rule, e.Message);
    }
}
