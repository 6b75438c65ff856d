using System.Globalization;
using System.Text.Json;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Corpus;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary>
/// Sparse layers (GNU tar <c>--sparse</c>) through the tool: densified by default and named in the summaries and <c>--json</c>,
/// refused with <c>--sparse refuse</c> or <c>sparse: refuse</c> in chunked.yaml, and a GiB of hole converted in bounded memory.
/// </summary>
public sealed class SparseCommandTests : ToolTestBase
{
    /// <summary>GNU tar's PAX 1.0 archive of the corpus' files with holes (skips when GNU tar or holes are missing here).</summary>
    private (string Path, List<string> SparseNames) SparseLayer(TarSpec? spec = null)
    {
        var producer = TarCorpus.Producer("gnu-posix-sparse-1.0");
        if (producer.UnavailableReason is { } reason) Assert.Skip(reason);
        var built = producer.Build(spec ?? TarCorpusCatalogue.Sparse(), "", PathOf("sparse.tar"));
        return (built.Path, [.. built.Entries.Where(e => e.Spec is { Kind: TarEntryKind.File, Content.DataRegions: not null }).Select(e => e.ArchiveName)]);
    }

    private static byte[] Decompress(string blob)
    {
        using var stream = LayerInput.OpenUncompressed(File.OpenRead(blob), out _);
        using var all = new MemoryStream();
        stream.CopyTo(all);
        return all.ToArray();
    }

    [Theory]
    [InlineData("zstd-chunked")]
    [InlineData("estargz")]
    public void Layer_convert_densifies_and_names_the_files_and_sparse_refuse_is_CHB1102(string format)
    {
        var (tar, names) = SparseLayer();
        var output = PathOf("layer.blob");
        var convert = ToolProcess.Run("layer", "convert", tar, "--format", format, "--output", output, "--json");
        Assert.True(convert.ExitCode == 0, convert.StdErr);
        using var json = JsonDocument.Parse(convert.StdOut);
        var root = json.RootElement;
        Assert.Equal(["mediaType", "digest", "size", "diffId", "uncompressedSize", "tocDigest", "annotations", "densified"], root.EnumerateObject().Select(p => p.Name));
        var densified = root.GetProperty("densified").EnumerateArray().ToList();
        Assert.Equal(names, densified.Select(d => d.GetProperty("name").GetString()));
        Assert.All(densified, d => Assert.Equal("pax-1.0", d.GetProperty("format").GetString()));
        // The DiffID is that of the densified tar the blob decompresses to, not the input's.
        var decompressed = Decompress(output);
        Assert.Equal(Digest.Sha256Of(decompressed).ToString(), root.GetProperty("diffId").GetString());
        Assert.NotEqual(Digest.Sha256Of(File.ReadAllBytes(tar)).ToString(), root.GetProperty("diffId").GetString());
        File.WriteAllText(PathOf("result.json"), convert.StdOut);
        var verify = ToolProcess.Run("layer", "verify", output, "--annotations", PathOf("result.json"), "--diff-id", root.GetProperty("diffId").GetString()!);
        Assert.True(verify.ExitCode == 0, verify.StdOut + verify.StdErr);

        var human = ToolProcess.Run("layer", "convert", tar, "--format", format, "--output", PathOf("human.blob"));
        Assert.True(human.ExitCode == 0, human.StdErr);
        Assert.Contains("sparse files densified", human.StdOut);
        Assert.Contains($"    {names[0]} (pax-1.0, ", human.StdOut);

        File.Delete(output);
        var refused = ToolProcess.Run("layer", "convert", tar, "--format", format, "--output", output, "--sparse", "refuse");
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("error CHB1102", refused.StdErr);
        Assert.Contains("--sparse refuse", refused.StdErr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Convert_names_the_densified_files_and_sparse_refuse_from_the_flag_or_chunked_yaml_keeps_the_layer()
    {
        var (tar, names) = SparseLayer();
        var source = PathOf("src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", [TestImageLayout.SampleLayers(5)[0], File.ReadAllBytes(tar)])], ["1"]);

        var summary = ToolProcess.Run("convert", "oci:" + source, "oci:" + PathOf("out"), "--no-cache", "--no-prioritize");
        Assert.True(summary.ExitCode == 0, summary.StdErr);
        Assert.Contains("sparse files densified", summary.StdOut);
        Assert.Contains($"    {names[0]} (pax-1.0, ", summary.StdOut);
        ConvertedImageVerifier.Verify(PathOf("out"), "1");

        var json = ToolProcess.Run("convert", "oci:" + source, "oci:" + PathOf("out-json"), "--no-cache", "--no-prioritize", "--json");
        Assert.True(json.ExitCode == 0, json.StdErr);
        using (var doc = JsonDocument.Parse(json.StdOut))
        {
            foreach (var variant in doc.RootElement.GetProperty("variants").EnumerateArray())
            {
                var layers = variant.GetProperty("manifests")[0].GetProperty("layers");
                Assert.False(layers[0].TryGetProperty("densified", out _));
                Assert.Equal(names, layers[1].GetProperty("densified").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
            }
        }

        var settings = PathOf("chunked.yaml");
        File.WriteAllText(settings, "sparse: refuse\ncache: false\n");
        foreach (var arguments in new[] { new[] { "--sparse", "refuse", "--no-cache" }, ["--config", settings] })
        {
            var refused = ToolProcess.Run(["convert", "oci:" + source, "oci:" + PathOf("refused-" + arguments[0].Trim('-')), "--no-prioritize", "--json", .. arguments]);
            Assert.True(refused.ExitCode == 0, refused.StdErr);
            using var doc = JsonDocument.Parse(refused.StdOut);
            Assert.All(doc.RootElement.GetProperty("variants").EnumerateArray(), v => Assert.Equal(1, v.GetProperty("kept").GetInt32()));
            Assert.Contains(doc.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("CHB1102", StringComparison.Ordinal));
        }

        File.WriteAllText(settings, "sparse: maybe\n");
        var bad = ToolProcess.Run("convert", "oci:" + source, "oci:" + PathOf("bad"), "--config", settings);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("chunked.yaml:1", bad.StdErr);
        Assert.Contains("'sparse' must be one of densify, refuse", bad.StdErr);
    }

    /// <summary>
    /// A 1 GiB file that is all hole: the zstd:chunked layer stays under 1 MiB (its zeros chunk compresses to almost nothing) and the
    /// eStargz layer is what gzip makes of 1 GiB of zeros at the same level, within 2% (its 4 MiB members each restart deflate).
    /// Memory stays bounded: the peak RSS of the <c>layer convert</c> child (GNU time's %M) stays under 256 MiB, a quarter of the file.
    /// </summary>
    [Theory]
    [InlineData("zstd-chunked")]
    [InlineData("estargz")]
    public void A_gib_of_hole_converts_small_in_bounded_memory(string format)
    {
        const long size = 1L << 30;
        const string time = "/usr/bin/time";
        if (!File.Exists(time)) Assert.Skip("GNU time is not installed (apt-get install time): it measures the child's peak RSS");
        var (tar, names) = SparseLayer(TarSpec.Of(TarSpec.File("hole.bin", TarContent.Hole(size))));
        Assert.Equal(["hole.bin"], names);
        Assert.True(new FileInfo(tar).Length < 64 << 10, "GNU tar stored the file as a sparse entry");

        var output = PathOf("layer.blob");
        var rss = PathOf("rss.txt");
        var run = ProcessRunner.Run(time, ["-f", "%M", "-o", rss, "dotnet", ToolProcess.Dll, "layer", "convert", tar, "--format", format, "--output", output, "--json"],
            environment: new Dictionary<string, string> { ["CI"] = "true" });
        Assert.True(run.ExitCode == 0, run.StdErr);
        var peakRss = long.Parse(File.ReadAllLines(rss).Last(l => l.Trim().Length > 0).Trim(), CultureInfo.InvariantCulture) * 1024;
        var blobSize = new FileInfo(output).Length;
        TestContext.Current.SendDiagnosticMessage($"{format}: 1 GiB of hole → {blobSize} bytes, peak RSS {peakRss >> 20} MiB");
        Assert.True(peakRss < 256L << 20, $"peak RSS {peakRss >> 20} MiB: the conversion must stream, not hold the file");

        using var json = JsonDocument.Parse(run.StdOut);
        using (var decompressed = new HashingReadStream(LayerInput.OpenUncompressed(File.OpenRead(output), out _)))
        {
            Assert.Equal(json.RootElement.GetProperty("diffId").GetString(), Digest.FromSha256Bytes(decompressed.DrainAndHash()).ToString());
            Assert.Equal(json.RootElement.GetProperty("uncompressedSize").GetInt64(), decompressed.BytesRead);
        }
        if (format == "zstd-chunked")
        {
            Assert.True(blobSize < 1 << 20, $"zstd:chunked layer of {blobSize} bytes");
            return;
        }
        var gzipOfZeros = GzipOfZeros(size, level: 6);
        TestContext.Current.SendDiagnosticMessage($"gzip -6 of the same zeros ({DeflateEngines.EngineFor(6)}, 4 MiB members): {gzipOfZeros} bytes");
        Assert.InRange(blobSize, gzipOfZeros * 98 / 100, gzipOfZeros * 102 / 100);
    }

    /// <summary>
    /// The size of <paramref name="size"/> zero bytes gzipped at <paramref name="level"/> as eStargz does it: one member per 4 MiB chunk,
    /// deflated by the engine the tool picks on this machine (libdeflate or zlib-ng: their output for zeros differs by ~5%), plus the
    /// 18 bytes of gzip header and trailer of each member.
    /// </summary>
    private static long GzipOfZeros(long size, int level)
    {
        const int chunk = 4 << 20;
        using var deflater = DeflateEngines.Factory(level)();
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        deflater.Deflate(new byte[chunk], output);
        return (size + chunk - 1) / chunk * (output.WrittenCount + 18L);
    }
}
