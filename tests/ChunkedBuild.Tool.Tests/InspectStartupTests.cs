using System.Text.Json;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary><c>inspect --startup</c>: the lazy-pull cost report as a table and as the <c>startup</c> object of <c>--json</c>.</summary>
public sealed class InspectStartupTests : ToolTestBase
{
    [Fact]
    public void Inspect_startup_reports_bytes_before_start_per_variant()
    {
        var source = PathOf("src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(5))], ["1.0"]);
        var list = PathOf("startup.txt");
        File.WriteAllText(list, "/app/hello.dll\n/app/hello.runtimeconfig.json\n");
        var convert = ToolProcess.Run("convert", "oci:" + source, "oci:" + PathOf("out"), "--no-cache", "-q", "--record-in", list, "--variant", "estargz,original,zstd-chunked");
        Assert.True(convert.ExitCode == 0, convert.StdErr);

        var inspect = ToolProcess.Run("inspect", "oci:" + PathOf("out") + ":1.0", "--json", "--startup", list);
        Assert.True(inspect.ExitCode == 0, inspect.StdErr);
        using var json = JsonDocument.Parse(inspect.StdOut);
        var startup = json.RootElement.GetProperty("startup");
        Assert.Equal("record", startup.GetProperty("source").GetString());
        var platform = Assert.Single(startup.GetProperty("platforms").EnumerateArray());
        Assert.Equal(["/app/hello.dll", "/app/hello.runtimeconfig.json"], platform.GetProperty("paths").EnumerateArray().Select(p => p.GetString()));
        var manifests = platform.GetProperty("manifests").EnumerateArray().ToDictionary(m => m.GetProperty("variant").GetString()!);
        Assert.Equal(manifests["original"].GetProperty("imageBytes").GetInt64(), manifests["original"].GetProperty("startupBytes").GetInt64());
        foreach (var variant in new[] { "estargz", "zstd-chunked" })
        {
            var m = manifests[variant];
            // The 3 MiB random library of the base layer is never fetched (its bytes have no zero byte, so libdeflate's Huffman
            // blocks make it ~0.1% smaller than 3 MiB where zlib-ng stores it: 0.5% allowed).
            Assert.True(m.GetProperty("startupBytes").GetInt64() < m.GetProperty("imageBytes").GetInt64() - (3L << 20) * 995 / 1000, variant);
            Assert.Equal(m.GetProperty("startupBytes").GetInt64(), m.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("totalBytes").GetInt64()));
        }
        Assert.True(manifests["estargz"].GetProperty("layers")[1].GetProperty("prefetchBytes").GetInt64() >= 300_000);

        var text = ToolProcess.Run("inspect", "oci:" + PathOf("out") + ":1.0", "--startup", list);
        Assert.True(text.ExitCode == 0, text.StdErr);
        Assert.Contains("bytes fetched before the app starts (startup list: record) and the network time to start at 100 Mbit/s, 20 ms RTT", text.StdOut);
        Assert.Matches(@"estargz\s+\S+ \S+\s+\d+\s+\S+ \S+\s+\d+\.\d%\s+\d+\.\d+ s", text.StdOut);
    }

    [Fact]
    public void Inspect_startup_estimates_the_time_to_start_at_the_stated_link_from_the_same_bytes()
    {
        var source = PathOf("src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(7))], ["1.0"]);
        var list = PathOf("startup.txt");
        File.WriteAllText(list, "/app/hello.dll\n");
        var convert = ToolProcess.Run("convert", "oci:" + source, "oci:" + PathOf("out"), "--no-cache", "-q", "--record-in", list, "--variant", "estargz,original");
        Assert.True(convert.ExitCode == 0, convert.StdErr);

        var slow = Estimates(ToolProcess.Run("inspect", "oci:" + PathOf("out") + ":1.0", "--json", "--startup", list, "--link", "20mbit,80ms"), "20mbit,80ms");
        var fast = Estimates(ToolProcess.Run("inspect", "oci:" + PathOf("out") + ":1.0", "--json", "--startup", list), "100mbit,20ms");

        foreach (var estimates in new[] { slow, fast })
        {
            // The original is pulled whole; its estimate is its full pull. eStargz starts after its prefetch, sooner than its own full pull.
            Assert.Equal(estimates["original"].Full, estimates["original"].Estimated);
            Assert.True(estimates["estargz"].Estimated < estimates["estargz"].Full);
            Assert.True(estimates["estargz"].Estimated < estimates["original"].Estimated);
        }
        // 5 round trips and the image's bytes: at a fifth of the rate and four times the RTT, every term grows.
        Assert.True(slow["original"].Full > 4.9 * fast["original"].Full - 4 * 5 * 0.020);
        Assert.True(slow["estargz"].Estimated > fast["estargz"].Estimated);

        var text = ToolProcess.Run("inspect", "oci:" + PathOf("out") + ":1.0", "--startup", list, "--link", "1gbit,5ms");
        Assert.True(text.ExitCode == 0, text.StdErr);
        Assert.Contains("the network time to start at 1 Gbit/s, 5 ms RTT", text.StdOut);
        Assert.Matches(@"estimated network time to start: full pull \d+\.\d+ s, eStargz lazily \d+\.\d+ s \(\d+\.\d× sooner\)", text.StdOut);

        var bad = ToolProcess.Run("inspect", "oci:" + PathOf("out") + ":1.0", "--startup", list, "--link", "fast");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("CHB9001", bad.StdErr);
        Assert.Contains("link 'fast'", bad.StdErr);
    }

    /// <summary>Per variant: the JSON's estimatedSeconds and fullPullSeconds, after checking the link it states.</summary>
    private static Dictionary<string, (double Estimated, double Full)> Estimates(ProcessResult inspect, string link)
    {
        Assert.True(inspect.ExitCode == 0, inspect.StdErr);
        using var json = JsonDocument.Parse(inspect.StdOut);
        var startup = json.RootElement.GetProperty("startup");
        Assert.Equal(link, startup.GetProperty("link").GetString());
        return startup.GetProperty("platforms")[0].GetProperty("manifests").EnumerateArray().ToDictionary(m => m.GetProperty("variant").GetString()!,
            m => (m.GetProperty("estimatedSeconds").GetDouble(), m.GetProperty("fullPullSeconds").GetDouble()));
    }

    [Fact]
    public void Convert_startup_reads_every_tag_it_wrote_back_and_reports_what_inspect_reports()
    {
        var source = PathOf("src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(6))], ["1.0"]);
        var list = PathOf("startup.txt");
        File.WriteAllText(list, "/app/hello.dll\n");
        var output = PathOf("out");
        var convert = ToolProcess.Run("convert", "oci:" + source, "oci:" + output, "--no-cache", "-q", "--publish", "tags", "--record-in", list,
            "--startup", list, "--json");
        Assert.True(convert.ExitCode == 0, convert.StdErr);

        using var json = JsonDocument.Parse(convert.StdOut);
        var startup = json.RootElement.GetProperty("startup");
        Assert.Equal("record", startup.GetProperty("source").GetString());
        // --publish tags writes one tag per variant; their manifests are merged under the one platform.
        var platform = Assert.Single(startup.GetProperty("platforms").EnumerateArray());
        var manifests = platform.GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(["estargz", "zstd-chunked"], manifests.Select(m => m.GetProperty("variant").GetString()).Order(StringComparer.Ordinal));
        foreach (var tag in json.RootElement.GetProperty("tags").EnumerateArray())
        {
            var inspect = ToolProcess.Run("inspect", $"oci:{output}:{tag.GetProperty("tag").GetString()}", "--json", "--startup", list);
            Assert.True(inspect.ExitCode == 0, inspect.StdErr);
            using var inspected = JsonDocument.Parse(inspect.StdOut);
            var expected = inspected.RootElement.GetProperty("startup").GetProperty("platforms")[0].GetProperty("manifests")[0];
            var actual = manifests.Single(m => m.GetProperty("digest").GetString() == expected.GetProperty("digest").GetString());
            Assert.Equal(expected.GetProperty("variant").GetString(), tag.GetProperty("variant").GetString());
            Assert.Equal(expected.GetRawText(), actual.GetRawText());
        }

        var bad = ToolProcess.Run("convert", "oci:" + source, "oci:" + PathOf("never"), "--no-cache", "-q", "--startup", PathOf("missing.txt"));
        Assert.Equal(4, bad.ExitCode);
        Assert.Contains("CHB9002", bad.StdErr);
        Assert.False(Directory.Exists(PathOf("never"))); // the bad value failed before any work
    }
}
