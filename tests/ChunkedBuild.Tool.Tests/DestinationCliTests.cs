using System.Text.Json;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary>
/// What the tool does with destinations that already hold something, and with what it wrote itself: layouts keep their other tags
/// (<c>--replace</c> starts over), files are not overwritten without <c>--replace</c> / <c>--force</c> (an in-place conversion excepted), the
/// tool's own output converts to the same index, and bad tags or a folder as a layer are clear usage errors.
/// </summary>
public sealed class DestinationCliTests : ToolTestBase
{
    private static string Hello => Path.Combine(RepoPaths.Root, "samples", "images", "hello");

    private static string Digest(ProcessResult run)
    {
        Assert.True(run.ExitCode == 0, run.StdErr);
        using var json = JsonDocument.Parse(run.StdOut);
        return json.RootElement.GetProperty("digest").GetString()!;
    }

    [Fact]
    public void Converting_the_tools_own_output_gives_the_same_index_and_counts_one_platform()
    {
        var first = Digest(ToolProcess.Run("convert", Hello, "oci:" + PathOf("once"), "--no-cache", "--json"));
        var again = ToolProcess.Run("convert", "oci:" + PathOf("once"), "oci:" + PathOf("twice"), "--no-cache");

        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.Matches(@"estargz\s+1\s+\S+ \S+\s+\S+%\s+0\s+2\s+0", again.StdOut);
        Assert.Matches(@"zstd-chunked\s+1\s+\S+ \S+\s+\S+%\s+0\s+2\s+0", again.StdOut);
        Assert.Contains("latest → " + first, again.StdOut);
        Assert.Equal(File.ReadAllText(Path.Combine(PathOf("once"), "index.json")), File.ReadAllText(Path.Combine(PathOf("twice"), "index.json")));
    }

    [Fact]
    public void An_archive_converted_in_place_twice_is_the_same_file()
    {
        var archive = PathOf("app.tar");
        TestImageLayout.PackLayout(Hello, archive);

        var once = Digest(ToolProcess.Run("convert", archive, "oci-archive:" + archive, "--no-cache", "--json"));
        var bytes = File.ReadAllBytes(archive);
        var twice = Digest(ToolProcess.Run("convert", archive, "oci-archive:" + archive, "--no-cache", "--json"));

        Assert.Equal(once, twice);
        Assert.Equal(bytes, File.ReadAllBytes(archive));
        Assert.Equal(["app.tar"], FilesInFolder());
    }

    [Fact]
    public void An_existing_archive_is_refused_with_the_file_and_the_flag_named_and_replace_overwrites_it()
    {
        var archive = PathOf("out.tar");
        File.WriteAllText(archive, "precious");

        var refused = ToolProcess.Run("convert", Hello, "oci-archive:" + archive, "--no-cache");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("error CHB9001", refused.StdErr);
        Assert.Contains(archive, refused.StdErr);
        Assert.Contains("--replace", refused.StdErr);
        Assert.Equal("precious", File.ReadAllText(archive));
        Assert.Equal(["out.tar"], FilesInFolder());

        Digest(ToolProcess.Run("convert", Hello, "oci-archive:" + archive, "--no-cache", "--replace", "--json"));
        Assert.Equal(0, ToolProcess.Run("verify", "oci-archive:" + archive).ExitCode);
    }

    [Fact]
    public void A_layout_keeps_its_other_tags_and_replace_starts_it_over()
    {
        var layout = PathOf("layout");
        Digest(ToolProcess.Run("convert", Hello, "oci:" + layout + ":a", "--no-cache", "--json"));
        Digest(ToolProcess.Run("convert", Hello, "oci:" + layout + ":b", "--no-cache", "--variant", "zstd-chunked", "--json"));
        Assert.Equal(["a", "b"], Tags(layout));

        Digest(ToolProcess.Run("convert", Hello, "oci:" + layout + ":c", "--no-cache", "--replace", "--json"));
        Assert.Equal(["c"], Tags(layout));
        Assert.Equal(0, ToolProcess.Run("verify", "oci:" + layout).ExitCode);

        var registry = ToolProcess.Run("convert", Hello, "docker://127.0.0.1:1/app:1", "--replace");
        Assert.Equal(2, registry.ExitCode);
        Assert.Contains("--replace", registry.StdErr);
    }

    private static string[] Tags(string layout)
    {
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "index.json")));
        return [.. index.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => m.TryGetProperty("annotations", out var a) && a.TryGetProperty("org.opencontainers.image.ref.name", out var r) ? r.GetString() : null)
            .OfType<string>()];
    }

    [Theory]
    [InlineData("../..")]
    [InlineData("a\nb")]
    [InlineData("")]
    public void A_bad_tag_is_a_usage_error_before_any_work(string tag)
    {
        var run = ToolProcess.Run("convert", Hello, "oci:" + PathOf("out") + ":" + tag, "--no-cache");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error CHB9001", run.StdErr);
        Assert.Contains(tag.Length == 0 ? "empty" : "not a valid tag", run.StdErr);
        Assert.Equal(1, run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("error", StringComparison.Ordinal)));
        Assert.Empty(FilesInFolder());
        Assert.Empty(Folder.GetDirectories("*", new EnumerationOptions { AttributesToSkip = 0 }));
    }

    [Fact]
    public void Layer_convert_refuses_an_existing_output_unless_forced()
    {
        var output = PathOf("layer.zst");
        File.WriteAllText(output, "precious");

        var refused = ToolProcess.Run("layer", "convert", ToolProcess.SampleTar, "-o", output);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("error CHB9001", refused.StdErr);
        Assert.Contains(output, refused.StdErr);
        Assert.Contains("--force", refused.StdErr);
        Assert.Equal("precious", File.ReadAllText(output));

        var forced = ToolProcess.Run("layer", "convert", ToolProcess.SampleTar, "-o", output, "--force");
        Assert.True(forced.ExitCode == 0, forced.StdErr);
        Assert.NotEqual("precious", File.ReadAllText(output));
        Assert.Equal(["layer.zst"], FilesInFolder());
    }

    [Fact]
    public void A_folder_given_to_layer_convert_is_a_clear_usage_error()
    {
        var run = ToolProcess.Run("layer", "convert", Folder.FullName, "-o", PathOf("layer.zst"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error CHB9001", run.StdErr);
        Assert.Contains("is a folder", run.StdErr);
        Assert.DoesNotContain("denied", run.StdErr);
        Assert.Empty(FilesInFolder());
    }
}
