using System.Text.Json;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary><c>convert</c>, <c>inspect</c> and <c>verify</c> on whole images, run as users run them.</summary>
public sealed class ImageCommandTests : ToolTestBase
{
    private string Image()
    {
        var folder = PathOf("src");
        var layers = TestImageLayout.SampleLayers(4);
        TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", layers), new TestPlatformImage("linux", "arm64", layers)], ["1.0"]);
        return folder;
    }

    [Fact]
    public void Convert_prints_the_summary_and_json_gives_the_digests_and_a_warm_cache_converts_nothing()
    {
        var source = Image();
        var cache = PathOf("cache");
        var cold = ToolProcess.Run("convert", "oci:" + source, "oci:" + PathOf("out"), "--cache-dir", cache);
        Assert.True(cold.ExitCode == 0, cold.StdErr);
        Assert.Matches(@"estargz\s+2\s+\S+ \S+\s+\S+%\s+2\s+0\s+0", cold.StdOut);
        Assert.Matches(@"zstd-chunked\s+2\s+\S+ \S+\s+\S+%\s+2\s+0\s+0", cold.StdOut);
        Assert.Contains("1.0 → sha256:", cold.StdOut);

        var warm = ToolProcess.Run("convert", "oci:" + source, "oci:" + PathOf("out2"), "--cache-dir", cache, "--json");
        Assert.True(warm.ExitCode == 0, warm.StdErr);
        using var json = JsonDocument.Parse(warm.StdOut);
        var variants = json.RootElement.GetProperty("variants").EnumerateArray().ToList();
        Assert.All(variants, v => Assert.Equal((0, 2), (v.GetProperty("converted").GetInt32(), v.GetProperty("reused").GetInt32())));
        Assert.Equal(File.ReadAllText(Path.Combine(PathOf("out"), "index.json")), File.ReadAllText(Path.Combine(PathOf("out2"), "index.json")));
        Assert.StartsWith("sha256:", json.RootElement.GetProperty("digest").GetString());
        ConvertedImageVerifier.Verify(PathOf("out2"), "1.0");
    }

    [Fact]
    public void Inspect_lists_variants_formats_and_toc_entries()
    {
        Assert.Equal(0, ToolProcess.Run("convert", "oci:" + Image(), "oci:" + PathOf("out"), "--no-cache", "-q").ExitCode);
        var inspect = ToolProcess.Run("inspect", "oci:" + PathOf("out") + ":1.0", "--json");
        Assert.True(inspect.ExitCode == 0, inspect.StdErr);
        using var json = JsonDocument.Parse(inspect.StdOut);
        var manifests = json.RootElement.GetProperty("images")[0].GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(["estargz", "zstd-chunked", "estargz", "zstd-chunked"], manifests.Select(m => m.GetProperty("variant").GetString()));
        var layer = manifests[1].GetProperty("layers")[0];
        Assert.Equal("zstd:chunked", layer.GetProperty("format").GetString());
        Assert.True(layer.GetProperty("entries").GetInt32() >= 6);
        var text = ToolProcess.Run("inspect", "oci:" + PathOf("out"));
        Assert.Contains("linux/arm64", text.StdOut);
        Assert.Contains("zstd:chunked", text.StdOut);
    }

    [Fact]
    public void Inspect_base_layers_prints_each_manifests_layers_but_the_top_one_once_sorted()
    {
        var folder = PathOf("src");
        TestImageLayout.WriteLayout(folder,
            [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(4)), new TestPlatformImage("linux", "arm64", TestImageLayout.SampleLayers(5))], ["1.0"]);
        using var index = JsonDocument.Parse(ToolProcess.Run("inspect", "oci:" + folder, "--json", "--no-entries").StdOut);
        var expected = index.RootElement.GetProperty("images").EnumerateArray().SelectMany(i => i.GetProperty("manifests").EnumerateArray())
            .SelectMany(m => m.GetProperty("layers").EnumerateArray().SkipLast(1)).Select(l => l.GetProperty("digest").GetString()!)
            .Distinct().Order(StringComparer.Ordinal).ToList();

        var inspect = ToolProcess.Run("inspect", "oci:" + folder, "--base-layers", "--no-entries");

        Assert.True(inspect.ExitCode == 0, inspect.StdErr);
        Assert.NotEmpty(expected);
        Assert.Equal(string.Concat(expected.Select(d => d + "\n")), inspect.StdOut);
    }

    [Fact]
    public void Verify_passes_a_converted_image_and_fails_a_damaged_one_with_exit_1()
    {
        Assert.Equal(0, ToolProcess.Run("convert", "oci:" + Image(), "oci:" + PathOf("out"), "--no-cache", "-q").ExitCode);
        var ok = ToolProcess.Run("verify", "oci:" + PathOf("out"), "--json");
        Assert.True(ok.ExitCode == 0, ok.StdOut + ok.StdErr);
        Assert.True(JsonDocument.Parse(ok.StdOut).RootElement.GetProperty("ok").GetBoolean());

        // Rewrite an annotation of one zstd:chunked layer so the TOC digest no longer matches: the manifest digests change consistently,
        // so only the format check can catch it.
        var manifestPath = Directory.GetFiles(Path.Combine(PathOf("out"), "blobs", "sha256"))
            .First(f => new FileInfo(f).Length < 8192 && File.ReadAllText(f).Contains("zstd-chunked.manifest-checksum"));
        var text = File.ReadAllText(manifestPath);
        var checksum = System.Text.RegularExpressions.Regex.Match(text, "manifest-checksum\":\"(sha256:[0-9a-f]{64})").Groups[1].Value;
        var damaged = text.Replace(checksum, "sha256:" + new string('0', 64));
        var folder = PathOf("damaged");
        Directory.CreateDirectory(Path.Combine(folder, "blobs", "sha256"));
        foreach (var f in Directory.GetFiles(Path.Combine(PathOf("out"), "blobs", "sha256"))) File.Copy(f, Path.Combine(folder, "blobs", "sha256", Path.GetFileName(f)));
        File.Copy(Path.Combine(PathOf("out"), "oci-layout"), Path.Combine(folder, "oci-layout"));
        var bytes = System.Text.Encoding.UTF8.GetBytes(damaged);
        var digest = TestImageLayout.WriteBlob(folder, bytes);
        var index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
            + digest + "\",\"size\":" + bytes.Length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"x\"}}]}";
        File.WriteAllText(Path.Combine(folder, "index.json"), index);

        var bad = ToolProcess.Run("verify", "oci:" + folder + ":x");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("FAIL", bad.StdErr);
        Assert.Contains("FAILED", bad.StdOut);
    }

    [Fact]
    public void A_missing_source_is_an_io_error_and_a_docker_archive_destination_is_a_usage_error()
    {
        var missing = ToolProcess.Run("convert", "oci:" + PathOf("nope"), "oci:" + PathOf("out"));
        Assert.Equal(4, missing.ExitCode);
        Assert.Contains("CHB9002", missing.StdErr);
        var docker = ToolProcess.Run("convert", "oci:" + Image(), "docker-archive:" + PathOf("x.tar"));
        Assert.Equal(2, docker.ExitCode);
        Assert.Contains("CHB9001", docker.StdErr);
        Assert.False(File.Exists(PathOf("x.tar")));
    }

    [Fact]
    public void Settings_come_from_chunked_yaml_and_flags_override_them()
    {
        var settings = PathOf("chunked.yaml");
        File.WriteAllText(settings, "variants: [zstd-chunked]\npublish: tags\ncache: false\n");
        var run = ToolProcess.Run("convert", "oci:" + Image(), "oci:" + PathOf("out") + ":v", "--config", settings, "--json");
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(["v-zstdchunked"], JsonDocument.Parse(run.StdOut).RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("tag").GetString()));
        var flags = ToolProcess.Run("convert", "oci:" + Image(), "oci:" + PathOf("out2") + ":v", "--config", settings, "--variant", "estargz", "--json");
        Assert.Equal(["v-estargz"], JsonDocument.Parse(flags.StdOut).RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("tag").GetString()));

        File.WriteAllText(settings, "variants: [zstd-chunked]\nspeed: fast\n");
        var bad = ToolProcess.Run("convert", "oci:" + Image(), "oci:" + PathOf("out3"), "--config", settings);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("chunked.yaml:2", bad.StdErr);
        Assert.Contains("unknown key 'speed'", bad.StdErr);
    }
}
