using System.Formats.Tar;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary>
/// Hostile inputs through the tool as users run it (issue 12): each is refused with exit 3 and its CHB code, never exit 70 ("a bug"), and
/// leaves nothing behind.
/// </summary>
public sealed class HostileInputCliTests : ToolTestBase
{
    private static ProcessResult Run(string tmp, params string[] args) => ProcessRunner.Run("dotnet", [ToolProcess.Dll, .. args],
        environment: new Dictionary<string, string> { ["CI"] = "true", ["CHUNKEDBUILD_DEBUG"] = "", ["TMPDIR"] = tmp });

    private string Tmp()
    {
        var tmp = PathOf("tmp");
        Directory.CreateDirectory(tmp);
        return tmp;
    }

    /// <summary>A zstd layer of one file of <paramref name="zeroBytes"/> zeros, compressed as it is made (the bomb is never in memory whole).</summary>
    private string ZeroBomb(long zeroBytes)
    {
        var path = PathOf("bomb.tar.zst");
        using (var file = File.Create(path))
        using (var zstd = new ZstdSharp.CompressionStream(file, 19))
        {
            var header = new MemoryStream();
            using (var writer = new TarWriter(header, TarEntryFormat.Ustar, leaveOpen: true))
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "zeros") { DataStream = new MemoryStream([]) });
            var headerBlock = header.ToArray()[..512];
            // Rewrite the size field (octal, 11 digits) and the checksum for the real size.
            System.Text.Encoding.ASCII.GetBytes(Convert.ToString(zeroBytes, 8).PadLeft(11, '0')).CopyTo(headerBlock, 124);
            headerBlock.AsSpan(148, 8).Fill((byte)' ');
            var sum = headerBlock.Sum(b => b);
            System.Text.Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(headerBlock, 148);
            zstd.Write(headerBlock);
            var zeros = new byte[1 << 20];
            for (var left = zeroBytes; left > 0; left -= zeros.Length) zstd.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
            zstd.Write(new byte[(int)((512 - zeroBytes % 512) % 512) + 1024]);
        }
        return path;
    }

    [Fact]
    public void A_decompression_bomb_with_prioritization_stops_at_the_default_spool_limit_with_exit_3()
    {
        var bomb = ZeroBomb((1L << 30) + (64 << 20));
        Assert.True(new FileInfo(bomb).Length < 200_000, $"the bomb is {new FileInfo(bomb).Length} bytes");
        var tmp = Tmp();
        var convert = Run(tmp, "layer", "convert", bomb, "-f", "estargz", "-p", "zeros", "-o", PathOf("out.esgz"));
        Assert.Equal(3, convert.ExitCode);
        Assert.Contains("error CHB1203: reordering the entries (prioritized files first) needs more than the spool limit of 1,073,741,824 bytes", convert.StdErr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
        Assert.Equal(["bomb.tar.zst"], FilesInFolder());
    }

    [Fact]
    public void A_spool_limit_that_is_not_a_size_is_a_usage_error()
    {
        var convert = ToolProcess.Run("layer", "convert", ToolProcess.SampleTar, "-o", PathOf("out"), "--spool-limit", "lots");
        Assert.Equal(2, convert.ExitCode);
        Assert.Contains("--spool-limit 'lots' is not a size", convert.StdErr);
        var image = ToolProcess.Run("convert", "oci:" + PathOf("src"), "oci:" + PathOf("out"), "--spool-limit", "0");
        Assert.Equal(2, image.ExitCode);
    }

    [Fact]
    public void A_spool_limit_in_chunked_yaml_applies_to_convert()
    {
        var source = PathOf("src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(1))], ["1"]);
        File.WriteAllText(PathOf("chunked.yaml"), "spoolLimit: 64K\n");
        File.WriteAllText(PathOf("prioritize.yaml"), "version: 1\nfiles:\n  - /usr/lib/libbig.so\n");
        var tmp = Tmp();
        var convert = Run(tmp, "convert", "oci:" + source, "oci:" + PathOf("out"), "--config", PathOf("chunked.yaml"), "--no-cache",
            "--prioritize-file", PathOf("prioritize.yaml"), "--variant", "estargz");
        Assert.Equal(3, convert.ExitCode);
        Assert.Contains("error CHB1203", convert.StdErr);
        Assert.Contains("65,536 bytes", convert.StdErr);
        Assert.False(Directory.Exists(PathOf("out")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
    }

    [Fact]
    public void A_manifest_with_null_layers_is_exit_3_with_CHB2005_not_an_internal_error()
    {
        var source = PathOf("src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(1))], ["1"]);
        LayoutEditor.EditManifest(source, m => m["layers"] = null);
        foreach (var args in new[] { new[] { "convert", "oci:" + source, "oci:" + PathOf("out"), "--no-cache" }, ["inspect", "oci:" + source, "--startup", "auto"], ["verify", "oci:" + source] })
        {
            var run = ToolProcess.Run(args);
            Assert.True(run.ExitCode == 3, $"{args[0]}: exit {run.ExitCode}: {run.StdErr}");
            Assert.Contains("error CHB2005", run.StdErr);
            Assert.Contains("$.layers: null where an array is expected", run.StdErr);
        }
        Assert.False(Directory.Exists(PathOf("out")));
    }

    [Fact]
    public void A_config_with_a_numeric_entrypoint_is_exit_3_for_inspect_startup_auto()
    {
        var source = PathOf("src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(1))], ["1"]);
        LayoutEditor.EditConfig(source, c => c["config"]!["Entrypoint"] = new System.Text.Json.Nodes.JsonArray(5));
        var inspect = ToolProcess.Run("inspect", "oci:" + source, "--startup", "auto");
        Assert.Equal(3, inspect.ExitCode);
        Assert.Contains("$.config.Entrypoint[0]: a number where a string is expected", inspect.StdErr);
    }

    [Fact]
    public void An_index_json_symlinked_to_dev_zero_is_exit_3_with_CHB2008()
    {
        var source = PathOf("src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(1))], ["1"]);
        File.Delete(Path.Combine(source, "index.json"));
        File.CreateSymbolicLink(Path.Combine(source, "index.json"), "/dev/zero");
        var convert = ToolProcess.Run("convert", "oci:" + source, "oci:" + PathOf("out"), "--no-cache");
        Assert.Equal(3, convert.ExitCode);
        Assert.Contains("error CHB2008", convert.StdErr);
    }
}
