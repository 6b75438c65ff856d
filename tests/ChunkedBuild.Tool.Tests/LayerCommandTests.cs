using System.Formats.Tar;
using System.Text.Json;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary>The tool as users run it: a child process, its stdout, stderr, exit code and files.</summary>
public sealed class LayerCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chb-cli-");
    private static readonly string ToolDll = Path.Combine(AppContext.BaseDirectory, "dotnet-chunked.dll");
    private static readonly string SampleTar = Path.Combine(RepoPaths.Root, "samples", "layers", "sample.tar");

    public void Dispose() => _dir.Delete(recursive: true);

    private static ProcessResult Run(params string[] args) => ProcessRunner.Run("dotnet", [ToolDll, .. args],
        environment: new Dictionary<string, string> { ["CI"] = "true" });

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Theory]
    [InlineData("zstd-chunked", MediaTypes.OciLayerZstd, Annotations.ZstdChunkedManifestChecksum)]
    [InlineData("estargz", MediaTypes.OciLayerGzip, Annotations.EStargzTocDigest)]
    public void Convert_json_prints_exactly_the_descriptor_object_and_verify_accepts_it(string format, string mediaType, string tocKey)
    {
        var output = PathOf("layer.blob");
        var convert = Run("layer", "convert", SampleTar, "--format", format, "--output", output, "--json");
        Assert.True(convert.ExitCode == 0, convert.StdErr);
        using var json = JsonDocument.Parse(convert.StdOut);
        var root = json.RootElement;
        Assert.Equal(["mediaType", "digest", "size", "diffId", "uncompressedSize", "tocDigest", "annotations"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(mediaType, root.GetProperty("mediaType").GetString());
        Assert.Equal(Digest.Sha256Of(File.ReadAllBytes(output)).ToString(), root.GetProperty("digest").GetString());
        Assert.Equal(new FileInfo(output).Length, root.GetProperty("size").GetInt64());
        Assert.Equal(root.GetProperty("tocDigest").GetString(), root.GetProperty("annotations").GetProperty(tocKey).GetString());
        if (format == "zstd-chunked")
            Assert.Equal(Digest.Sha256Of(File.ReadAllBytes(SampleTar)).ToString(), root.GetProperty("diffId").GetString());

        File.WriteAllText(PathOf("result.json"), convert.StdOut);
        var verify = Run("layer", "verify", output, "--annotations", PathOf("result.json"), "--diff-id", root.GetProperty("diffId").GetString()!);
        Assert.True(verify.ExitCode == 0, verify.StdOut + verify.StdErr);
        Assert.StartsWith("ok:", verify.StdOut);
    }

    [Fact]
    public void Verify_with_a_wrong_toc_digest_fails_with_one_line_per_failure()
    {
        var output = PathOf("layer.zst");
        Assert.Equal(0, Run("layer", "convert", SampleTar, "-o", output).ExitCode);
        var verify = Run("layer", "verify", output, "--toc-digest", Digest.EmptySha256.ToString());
        Assert.Equal(1, verify.ExitCode);
        var lines = verify.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("TOC:", StringComparison.Ordinal) && l.Contains("manifest-checksum", StringComparison.Ordinal));
    }

    [Fact]
    public void A_refused_entry_gives_a_coded_error_and_leaves_no_file_behind()
    {
        var input = PathOf("dup.tar");
        using (var w = new TarWriter(File.Create(input), TarEntryFormat.Pax))
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "a") { DataStream = new MemoryStream([1]) });
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "./a") { DataStream = new MemoryStream([2]) });
        }
        var output = PathOf("out.zst");
        var convert = Run("layer", "convert", input, "-o", output);
        Assert.Equal(3, convert.ExitCode);
        Assert.Contains("error CHB1106", convert.StdErr);
        Assert.Contains("'./a'", convert.StdErr);
        Assert.Equal(["dup.tar"], _dir.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void A_missing_input_is_an_io_error()
    {
        var convert = Run("layer", "convert", PathOf("missing.tar"), "-o", PathOf("out"));
        Assert.Equal(4, convert.ExitCode);
        Assert.Contains("error CHB9002", convert.StdErr);
    }

    [Theory]
    [InlineData("--level", "99")]
    [InlineData("--jobs", "0")]
    [InlineData("--format", "squashfs")]
    public void Bad_option_values_are_usage_errors(string option, string value)
    {
        var convert = Run("layer", "convert", SampleTar, "-o", PathOf("out"), option, value);
        Assert.Equal(2, convert.ExitCode);
        Assert.StartsWith("error:", convert.StdErr);
        Assert.False(File.Exists(PathOf("out")));
    }

    [Fact]
    public void Verify_needs_annotations_or_a_toc_digest()
    {
        var verify = Run("layer", "verify", SampleTar);
        Assert.Equal(2, verify.ExitCode);
        Assert.Contains("--toc-digest", verify.StdErr);
    }

    [Fact]
    public void Help_teaches_with_examples_and_exit_codes()
    {
        var help = Run("layer", "convert", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Examples:", help.StdOut);
        Assert.Contains("--prioritize", help.StdOut);
        Assert.Contains("Exit codes", Run("--help").StdOut);
    }
}
