using System.Text.Json;
using ChunkedBuild.Testing.Actions;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary><c>convert --github-output FILE --summary FILE</c>: the step outputs and the job summary the GitHub action publishes, written by the tool.</summary>
public sealed class GitHubOutputCliTests : ToolTestBase
{
    private string Image()
    {
        var folder = PathOf("src");
        var layers = TestImageLayout.SampleLayers(4);
        TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", layers), new TestPlatformImage("linux", "arm64", layers)], ["1.0"]);
        return folder;
    }

    private static string TagDigest(string layout, string tag)
    {
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "index.json")));
        return index.RootElement.GetProperty("manifests").EnumerateArray()
            .Single(m => m.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString() == tag).GetProperty("digest").GetString()!;
    }

    [Fact]
    public void Convert_appends_the_step_outputs_and_the_summary_and_the_result_output_is_the_json_it_printed()
    {
        var outputs = PathOf("github-output");
        var summary = PathOf("step-summary");
        File.WriteAllText(outputs, "earlier=step\n");
        File.WriteAllText(summary, "# earlier step\n");
        var destination = "oci:" + PathOf("out");

        var run = ToolProcess.Run("convert", "oci:" + Image(), destination, "--publish", "tags", "--no-cache", "--json", "--github-output", outputs, "--summary", summary);

        Assert.True(run.ExitCode == 0, run.StdErr);
        var written = CommandFile.Parse(File.ReadAllText(outputs));
        Assert.Equal(["earlier", "digest", "estargz-digest", "zstd-chunked-digest", "original-digest", "result"], written.Select(p => p.Key));
        var values = written.ToDictionary();
        Assert.Equal(TagDigest(PathOf("out"), "1.0-estargz"), values["estargz-digest"]);
        Assert.Equal(TagDigest(PathOf("out"), "1.0-zstdchunked"), values["zstd-chunked-digest"]);
        Assert.Equal(values["estargz-digest"], values["digest"]);
        Assert.Equal("", values["original-digest"]);
        Assert.Equal(run.StdOut.TrimEnd('\n'), values["result"]);
        Assert.Equal(values["digest"], JsonDocument.Parse(values["result"]).RootElement.GetProperty("digest").GetString());

        var text = File.ReadAllText(summary);
        Assert.StartsWith($"# earlier step\n### ChunkedBuild: `{destination}`\n\n| variant | platforms |", text);
        Assert.Contains($"| `1.0-zstdchunked` | `{values["zstd-chunked-digest"]}` | zstd-chunked |", text);
        Assert.Contains($"| estargz | 2 | ", text);

        // The same conversion again: byte-identical outputs and summary appended (the delimiter too).
        var again = ToolProcess.Run("convert", "oci:" + Image(), destination, "--publish", "tags", "--no-cache", "--github-output", outputs, "--summary", summary);
        Assert.True(again.ExitCode == 0, again.StdErr);
        var first = File.ReadAllText(outputs)["earlier=step\n".Length..];
        Assert.Equal(first[..(first.Length / 2)], first[(first.Length / 2)..]);
        var summaries = File.ReadAllText(summary)["# earlier step\n".Length..];
        Assert.Equal(summaries[..(summaries.Length / 2)], summaries[(summaries.Length / 2)..]);
    }

    [Fact]
    public void Help_teaches_both_flags_with_the_workflow_variables()
    {
        var help = ToolProcess.Run("convert", "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--github-output <file>", help.StdOut);
        Assert.Contains("--summary <file>", help.StdOut);
        Assert.Contains("--github-output \"$GITHUB_OUTPUT\"", help.StdOut);
        Assert.Contains("--summary \"$GITHUB_STEP_SUMMARY\"", help.StdOut);
        Assert.Contains("digest, estargz-digest, zstd-chunked-digest, original-digest", help.StdOut);
    }
}
