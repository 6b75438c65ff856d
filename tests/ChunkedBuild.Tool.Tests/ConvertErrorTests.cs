using System.Formats.Tar;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary><c>layer convert</c> failures: the documented exit code, a coded error on stderr, nothing left behind.</summary>
public sealed class ConvertErrorTests : ToolTestBase
{
    [Fact]
    public void A_duplicate_path_is_refused_with_exit_3_and_no_file_is_left_behind()
    {
        var input = PathOf("dup.tar");
        using (var w = new TarWriter(File.Create(input), TarEntryFormat.Pax))
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "a") { DataStream = new MemoryStream([1]) });
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "./a") { DataStream = new MemoryStream([2]) });
        }
        var convert = ToolProcess.Run("layer", "convert", input, "-o", PathOf("out.zst"));
        Assert.Equal(3, convert.ExitCode);
        Assert.Contains("error CHB1106", convert.StdErr);
        Assert.Contains("'./a'", convert.StdErr);
        Assert.Equal("", convert.StdOut);
        Assert.Equal(["dup.tar"], FilesInFolder());
    }

    [Theory]
    [InlineData("zstd-chunked")]
    [InlineData("estargz")]
    public void A_name_that_is_not_utf8_is_refused_with_exit_3_and_no_file_is_left_behind(string format)
    {
        var input = PathOf("latin1.tar");
        byte[] latin1Name = [.. "caf"u8, 0xE9, .. ".txt"u8]; // "café.txt" in ISO-8859-1: 0xE9 alone is no UTF-8 sequence
        File.WriteAllBytes(input, [.. RawTarBuilder.RegularFile(latin1Name, "x"u8), .. RawTarBuilder.End()]);
        var convert = ToolProcess.Run("layer", "convert", input, "-f", format, "-o", PathOf("out.blob"), "--json");
        Assert.Equal(3, convert.ExitCode);
        Assert.Contains("error CHB1104", convert.StdErr);
        Assert.Equal("", convert.StdOut);
        Assert.Equal(["latin1.tar"], FilesInFolder());
    }

    [Fact]
    public void A_file_that_is_no_layer_is_refused_with_exit_3()
    {
        File.WriteAllText(PathOf("notes.txt"), "not a tar, not gzip, not zstd");
        var convert = ToolProcess.Run("layer", "convert", PathOf("notes.txt"), "-o", PathOf("out.zst"));
        Assert.Equal(3, convert.ExitCode);
        Assert.Matches(@"(?m)^error CHB1\d{3}: ", convert.StdErr);
        Assert.Equal(["notes.txt"], FilesInFolder());
    }

    [Fact]
    public void A_missing_input_is_an_io_error()
    {
        var convert = ToolProcess.Run("layer", "convert", PathOf("missing.tar"), "-o", PathOf("out"));
        Assert.Equal(4, convert.ExitCode);
        Assert.Contains("error CHB9002", convert.StdErr);
        Assert.Empty(FilesInFolder());
    }

    [Fact]
    public void A_missing_output_folder_is_an_io_error()
    {
        var convert = ToolProcess.Run("layer", "convert", ToolProcess.SampleTar, "-o", PathOf(Path.Combine("no", "such", "out.zst")));
        Assert.Equal(4, convert.ExitCode);
        Assert.Contains("error CHB9002", convert.StdErr);
        Assert.DoesNotContain("internal error", convert.StdErr);
    }

    [Theory]
    [InlineData("--level", "99")]
    [InlineData("--level", "0")]                              // zstd levels start at 1
    [InlineData("--format", "estargz", "--level", "10")]     // gzip levels end at 9
    [InlineData("--format", "estargz", "--level", "-1")]
    [InlineData("--level", "three")]
    [InlineData("--jobs", "0")]
    [InlineData("--jobs", "many")]
    [InlineData("--chunk-size", "0")]
    [InlineData("--chunk-size", "4M")]
    [InlineData("--format", "squashfs")]
    [InlineData("--no-such-option")]
    public void Bad_option_values_are_usage_errors(params string[] options)
    {
        var convert = ToolProcess.Run(["layer", "convert", ToolProcess.SampleTar, "-o", PathOf("out"), .. options]);
        Assert.Equal(2, convert.ExitCode);
        Assert.StartsWith("error CHB9001: ", convert.StdErr);
        Assert.Equal("", convert.StdOut);
        Assert.Empty(FilesInFolder());
    }

    [Fact]
    public void A_missing_output_option_is_a_usage_error()
    {
        var convert = ToolProcess.Run("layer", "convert", ToolProcess.SampleTar);
        Assert.Equal(2, convert.ExitCode);
        Assert.Contains("--output", convert.StdErr);
    }
}
