using System.Text.Json;
using ChunkedBuild.Core.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary><c>layer verify</c>: exit 0 only when every check passes, one line (or JSON item) per failure otherwise.</summary>
public sealed class VerifyCommandTests : ToolTestBase
{
    private JsonElement Convert(string format, string output)
    {
        var convert = ToolProcess.Run("layer", "convert", ToolProcess.SampleTar, "-f", format, "-o", output, "--json", "-q");
        Assert.True(convert.ExitCode == 0, convert.StdErr);
        using var json = JsonDocument.Parse(convert.StdOut);
        return json.RootElement.Clone();
    }

    [Theory]
    [InlineData("zstd-chunked")]
    [InlineData("estargz")]
    public void A_bare_annotations_object_is_accepted_and_the_format_is_inferred(string format)
    {
        var blob = PathOf("layer.blob");
        var result = Convert(format, blob);
        File.WriteAllText(PathOf("annotations.json"), result.GetProperty("annotations").GetRawText());
        var verify = ToolProcess.Run("layer", "verify", blob, "-a", PathOf("annotations.json"), "--json");
        Assert.True(verify.ExitCode == 0, verify.StdOut + verify.StdErr);
        using var json = JsonDocument.Parse(verify.StdOut);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("failures").GetArrayLength());
        Assert.Equal(result.GetProperty("diffId").GetString(), json.RootElement.GetProperty("diffId").GetString());
    }

    [Fact]
    public void A_wrong_toc_digest_fails_with_exit_1_and_one_line_per_failure()
    {
        var blob = PathOf("layer.zst");
        Convert("zstd-chunked", blob);
        var verify = ToolProcess.Run("layer", "verify", blob, "--toc-digest", Digest.EmptySha256.ToString());
        Assert.Equal(1, verify.ExitCode);
        var lines = verify.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.StartsWith("TOC:", StringComparison.Ordinal) && l.Contains(Digest.EmptySha256.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("ok:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_diff_id_fails_with_exit_1_in_json()
    {
        var blob = PathOf("layer.esgz");
        var result = Convert("estargz", blob);
        var verify = ToolProcess.Run("layer", "verify", blob, "--toc-digest", result.GetProperty("tocDigest").GetString()!,
            "--diff-id", Digest.EmptySha256.ToString(), "--json");
        Assert.Equal(1, verify.ExitCode);
        using var json = JsonDocument.Parse(verify.StdOut);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        var failures = json.RootElement.GetProperty("failures").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Contains(failures, f => f.Contains(Digest.EmptySha256.ToString(), StringComparison.Ordinal));
        Assert.Equal(result.GetProperty("diffId").GetString(), json.RootElement.GetProperty("diffId").GetString());
    }

    [Fact]
    public void A_changed_byte_in_the_blob_fails_against_the_annotations()
    {
        var blob = PathOf("layer.zst");
        var result = Convert("zstd-chunked", blob);
        File.WriteAllText(PathOf("annotations.json"), result.GetRawText());
        var bytes = File.ReadAllBytes(blob);
        bytes[bytes.Length / 3] ^= 0x55;
        File.WriteAllBytes(blob, bytes);
        var verify = ToolProcess.Run("layer", "verify", blob, "-a", PathOf("annotations.json"));
        Assert.Equal(1, verify.ExitCode);
        Assert.NotEmpty(verify.StdOut.Trim());
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("{\"a\": 1}")]
    [InlineData("{not json")]
    public void An_annotations_file_that_is_not_a_string_map_is_a_usage_error(string content)
    {
        var blob = PathOf("layer.zst");
        Convert("zstd-chunked", blob);
        File.WriteAllText(PathOf("annotations.json"), content);
        var verify = ToolProcess.Run("layer", "verify", blob, "-a", PathOf("annotations.json"));
        Assert.Equal(2, verify.ExitCode);
        Assert.StartsWith("error CHB9001: ", verify.StdErr);
        Assert.Contains("annotations.json", verify.StdErr);
    }

    [Fact]
    public void Verify_needs_annotations_or_a_toc_digest()
    {
        var verify = ToolProcess.Run("layer", "verify", ToolProcess.SampleTar);
        Assert.Equal(2, verify.ExitCode);
        Assert.Contains("--toc-digest", verify.StdErr);
    }

    [Fact]
    public void A_missing_blob_is_an_io_error()
    {
        var verify = ToolProcess.Run("layer", "verify", PathOf("missing.zst"), "--toc-digest", Digest.EmptySha256.ToString());
        Assert.Equal(4, verify.ExitCode);
        Assert.Contains("error CHB9002", verify.StdErr);
    }
}
