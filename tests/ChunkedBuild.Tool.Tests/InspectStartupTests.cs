using System.Text.Json;
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
            // The 3 MiB random library of the base layer is never fetched.
            Assert.True(m.GetProperty("startupBytes").GetInt64() < m.GetProperty("imageBytes").GetInt64() - (3 << 20), variant);
            Assert.Equal(m.GetProperty("startupBytes").GetInt64(), m.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("totalBytes").GetInt64()));
        }
        Assert.True(manifests["estargz"].GetProperty("layers")[1].GetProperty("prefetchBytes").GetInt64() >= 300_000);

        var text = ToolProcess.Run("inspect", "oci:" + PathOf("out") + ":1.0", "--startup", list);
        Assert.True(text.ExitCode == 0, text.StdErr);
        Assert.Contains("bytes fetched before the app starts (startup list: record)", text.StdOut);
        Assert.Matches(@"estargz\s+\S+ \S+\s+\d+\s+\S+ \S+\s+\d+\.\d%", text.StdOut);
    }
}
