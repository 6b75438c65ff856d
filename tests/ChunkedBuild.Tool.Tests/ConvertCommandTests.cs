using System.Text.Json;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary><c>layer convert</c> as users run it: stdout contract, files written, logs kept off stdout.</summary>
public sealed class ConvertCommandTests : ToolTestBase
{
    [Theory]
    [InlineData("zstd-chunked", MediaTypes.OciLayerZstd, ZstdChunkedSpec.ManifestChecksumAnnotation)]
    [InlineData("estargz", MediaTypes.OciLayerGzip, EStargzSpec.TocDigestAnnotation)]
    public void Json_output_is_exactly_the_descriptor_object_and_verify_accepts_it(string format, string mediaType, string tocKey)
    {
        var output = PathOf("layer.blob");
        var convert = ToolProcess.Run("layer", "convert", ToolProcess.SampleTar, "--format", format, "--output", output, "--json");
        Assert.True(convert.ExitCode == 0, convert.StdErr);

        using var json = JsonDocument.Parse(convert.StdOut); // throws if stdout holds anything but one JSON value
        var root = json.RootElement;
        Assert.Equal(["mediaType", "digest", "size", "diffId", "uncompressedSize", "tocDigest", "annotations"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(mediaType, root.GetProperty("mediaType").GetString());
        var blob = File.ReadAllBytes(output);
        Assert.Equal(Digest.Sha256Of(blob).ToString(), root.GetProperty("digest").GetString());
        Assert.Equal(blob.LongLength, root.GetProperty("size").GetInt64());
        Assert.True(Digest.TryParse(root.GetProperty("diffId").GetString(), out _));
        Assert.True(root.GetProperty("uncompressedSize").GetInt64() > 0);
        Assert.All(root.GetProperty("annotations").EnumerateObject(), a => Assert.Equal(JsonValueKind.String, a.Value.ValueKind));
        Assert.Equal(root.GetProperty("tocDigest").GetString(), root.GetProperty("annotations").GetProperty(tocKey).GetString());
        if (format == "zstd-chunked") // zstd:chunked keeps the input tar byte for byte
        {
            Assert.Equal(Digest.Sha256Of(File.ReadAllBytes(ToolProcess.SampleTar)).ToString(), root.GetProperty("diffId").GetString());
            Assert.Equal(new FileInfo(ToolProcess.SampleTar).Length, root.GetProperty("uncompressedSize").GetInt64());
        }
        Assert.Equal(["layer.blob"], FilesInFolder());

        // The whole convert output is accepted as the annotations file (its "annotations" member is used).
        File.WriteAllText(PathOf("result.json"), convert.StdOut);
        var verify = ToolProcess.Run("layer", "verify", output, "--format", format, "--annotations", PathOf("result.json"),
            "--diff-id", root.GetProperty("diffId").GetString()!);
        Assert.True(verify.ExitCode == 0, verify.StdOut + verify.StdErr);
        Assert.StartsWith("ok:", verify.StdOut);
    }

    [Fact]
    public void The_human_summary_names_digest_size_diffid_toc_and_annotations_and_logs_stay_on_stderr()
    {
        var output = PathOf("layer.zst");
        var convert = ToolProcess.Run("layer", "convert", ToolProcess.SampleTar, "-o", output);
        Assert.True(convert.ExitCode == 0, convert.StdErr);
        var blob = File.ReadAllBytes(output);
        Assert.Contains(Digest.Sha256Of(blob).ToString(), convert.StdOut);
        Assert.Contains(Digest.Sha256Of(File.ReadAllBytes(ToolProcess.SampleTar)).ToString(), convert.StdOut); // DiffID kept
        Assert.Contains(ZstdChunkedSpec.ManifestChecksumAnnotation, convert.StdOut);
        Assert.Contains("% of the input", convert.StdOut);
        Assert.DoesNotContain("info:", convert.StdOut);
        Assert.Contains("info:", convert.StdErr);
    }

    [Fact]
    public void Quiet_prints_no_logs_and_the_output_bytes_do_not_depend_on_jobs()
    {
        var one = ToolProcess.Run("layer", "convert", ToolProcess.SampleTar, "-o", PathOf("one.zst"), "--jobs", "1", "--quiet", "--json");
        var four = ToolProcess.Run("layer", "convert", ToolProcess.SampleTar, "-o", PathOf("four.zst"), "--jobs", "4", "-q", "--json");
        Assert.True(one.ExitCode == 0 && four.ExitCode == 0, one.StdErr + four.StdErr);
        Assert.Equal("", one.StdErr);
        Assert.Equal(File.ReadAllBytes(PathOf("one.zst")), File.ReadAllBytes(PathOf("four.zst")));
        Assert.Equal(one.StdOut, four.StdOut);
    }

    [Fact]
    public void Help_teaches_with_examples_and_the_top_level_help_has_the_exit_codes()
    {
        var help = ToolProcess.Run("layer", "convert", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Examples:", help.StdOut);
        foreach (var option in new[] { "--format", "--output", "--level", "--chunk-size", "--prioritize", "--jobs", "--json", "--verbose", "--quiet" })
            Assert.Contains(option, help.StdOut);
        Assert.DoesNotContain("Exit codes", help.StdOut);
        Assert.Contains("Exit codes", ToolProcess.Run("--help").StdOut);
        Assert.Contains("Examples:", ToolProcess.Run("layer", "verify", "--help").StdOut);
    }
}
