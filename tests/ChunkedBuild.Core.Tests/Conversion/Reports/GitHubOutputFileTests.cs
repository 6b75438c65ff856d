using System.Text;
using ChunkedBuild.Core.Conversion.Reports;
using ChunkedBuild.Testing.Actions;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion.Reports;

/// <summary>
/// GitHub's step output syntax as <see cref="GitHubOutputFile"/> writes it, read back by the parser the composite-action runner uses
/// (<see cref="CommandFile"/>, GitHub's rules): one-line values, multi-line values under a delimiter no value can hold, appending.
/// </summary>
public sealed class GitHubOutputFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-gh-output-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static KeyValuePair<string, string> Pair(string name, string value) => KeyValuePair.Create(name, value);

    [Fact]
    public void One_line_values_are_name_equals_value_lines_in_order()
    {
        var text = GitHubOutputFile.Render([Pair("digest", "sha256:ab"), Pair("empty", ""), Pair("with-equals", "a=b<<c")]);

        Assert.Equal("digest=sha256:ab\nempty=\nwith-equals=a=b<<c\n", text);
        Assert.Equal([Pair("digest", "sha256:ab"), Pair("empty", ""), Pair("with-equals", "a=b<<c")], CommandFile.Parse(text));
    }

    [Fact]
    public void A_multi_line_value_goes_under_a_heredoc_and_reads_back_byte_for_byte()
    {
        const string json = "{\n  \"digest\": \"sha256:ab\",\n  \"warnings\": []\n}";
        var text = GitHubOutputFile.Render([Pair("digest", "sha256:ab"), Pair("result", json)]);

        Assert.Equal($"digest=sha256:ab\nresult<<CHUNKEDBUILD_EOF\n{json}\nCHUNKEDBUILD_EOF\n", text);
        Assert.Equal([Pair("digest", "sha256:ab"), Pair("result", json)], CommandFile.Parse(text));
    }

    [Theory]
    [InlineData("CHUNKEDBUILD_EOF", "CHUNKEDBUILD_EOF_1")]
    [InlineData("a\nCHUNKEDBUILD_EOF\nb", "CHUNKEDBUILD_EOF_1")]
    [InlineData("CHUNKEDBUILD_EOF\nCHUNKEDBUILD_EOF_1\n", "CHUNKEDBUILD_EOF_2")]
    [InlineData("x CHUNKEDBUILD_EOF_1 y\nCHUNKEDBUILD_EOF_2\nCHUNKEDBUILD_EOF_3", "CHUNKEDBUILD_EOF_4")]
    [InlineData("result<<CHUNKEDBUILD_EOF\nevil=1\nCHUNKEDBUILD_EOF\n", "CHUNKEDBUILD_EOF_1")]
    public void A_value_holding_the_delimiter_gets_another_one_and_cannot_end_its_heredoc_early(string value, string expected)
    {
        Assert.Equal(expected, GitHubOutputFile.DelimiterFor(value));
        var text = GitHubOutputFile.Render([Pair("result", value + "\nmore"), Pair("after", "1")]);

        // What the value holds (an output line, a delimiter line) stays in the value: no output is added or cut short.
        Assert.Equal([Pair("result", value + "\nmore"), Pair("after", "1")], CommandFile.Parse(text));
    }

    [Fact]
    public void Every_value_built_from_delimiter_pieces_reads_back_whole_and_the_same_value_gives_the_same_bytes()
    {
        string[] pieces = ["CHUNKEDBUILD_EOF", "_1", "_2", "\n", "\r\n", "x", "<<", "="];
        var random = new Random(13);
        for (var i = 0; i < 500; i++)
        {
            var value = "\n" + string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            var delimiter = GitHubOutputFile.DelimiterFor(value);
            Assert.DoesNotContain(delimiter, value, StringComparison.Ordinal);
            var text = GitHubOutputFile.Render([Pair("v", value)]);
            Assert.Equal(text, GitHubOutputFile.Render([Pair("v", value)]));
            // GitHub reads lines: a CR LF in the value comes back as LF, nothing else changes.
            Assert.Equal([Pair("v", value.Replace("\r\n", "\n", StringComparison.Ordinal))], CommandFile.Parse(text));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a=b")]
    [InlineData("a<<b")]
    [InlineData("a\nb")]
    public void A_name_github_would_misread_is_refused(string name) =>
        Assert.Throws<ArgumentException>(() => GitHubOutputFile.Render([Pair(name, "v")]));

    [Fact]
    public void Append_keeps_what_earlier_steps_wrote_and_writes_utf8_without_a_byte_order_mark()
    {
        var file = Path.Combine(_root, "output");
        File.WriteAllText(file, "earlier=1\n");
        GitHubOutputFile.Append(file, GitHubOutputFile.Render([Pair("name", "café")]));
        GitHubOutputFile.Append(Path.Combine(_root, "new"), "x=1\n");

        Assert.Equal(Encoding.UTF8.GetBytes("earlier=1\nname=café\n"), File.ReadAllBytes(file));
        Assert.Equal("x=1\n"u8.ToArray(), File.ReadAllBytes(Path.Combine(_root, "new")));
    }
}
