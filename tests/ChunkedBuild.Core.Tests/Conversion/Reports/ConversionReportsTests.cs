using System.Text.RegularExpressions;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Conversion.Reports;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Conversion.Settings;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Actions;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion.Reports;

/// <summary>
/// Real conversions to OCI layouts rendered as the GitHub action's step outputs (<see cref="ConversionStepOutputs"/>) and job summary
/// (<see cref="ConversionJobSummary"/>): every name and value checked against the layout written.
/// </summary>
public sealed class ConversionReportsTests : IDisposable
{
    private const string ResultJson = "{\n  \"digest\": \"x\"\n}";

    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-reports-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string TwoPlatformLayout()
    {
        var folder = Path.Combine(_root, "src");
        var layers = TestImageLayout.SampleLayers(7);
        TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", layers), new TestPlatformImage("linux", "arm64", layers)], ["1.0"]);
        return folder;
    }

    private async Task<ConversionResult> ConvertAsync(string destination, ConversionRequest request)
    {
        var transports = new ImageTransports(null, null);
        await using var source = transports.OpenSource("oci:" + TwoPlatformLayout());
        await using var sink = transports.OpenSink("oci:" + Path.Combine(_root, destination), out _);
        return await new ImageConverter(request with { CacheDirectory = null }).ConvertAsync(source, sink, TestContext.Current.CancellationToken);
    }

    private Descriptor Tagged(string layout, string tag)
    {
        var reader = new OciLayoutReader(Path.Combine(_root, layout));
        return reader.Resolve(tag);
    }

    [Fact]
    public async Task Index_mode_outputs_are_the_index_digest_and_each_variants_manifests_per_platform()
    {
        var result = await ConvertAsync("out", new ConversionRequest { TempDirectory = Path.GetTempPath() });
        var outputs = ConversionStepOutputs.Of(result, ResultJson);

        Assert.Equal(["digest", "estargz-digest", "zstd-chunked-digest", "original-digest", "result"], outputs.Select(o => o.Key));
        Assert.Equal(ConversionStepOutputs.Names, outputs.Select(o => o.Key));
        var root = Tagged("out", "1.0");
        Assert.Equal(root.Digest.ToString(), outputs[0].Value);
        var reader = new OciLayoutReader(Path.Combine(_root, "out"));
        var index = reader.ReadDocument<ImageIndex>(root).Value;
        // The index holds per platform the estargz manifest first and the zstd:chunked one last.
        Assert.Equal($"{index.Manifests[0].Digest},{index.Manifests[2].Digest}", outputs[1].Value);
        Assert.Equal($"{index.Manifests[1].Digest},{index.Manifests[3].Digest}", outputs[2].Value);
        Assert.Equal("", outputs[3].Value);
        Assert.Equal(ResultJson, outputs[4].Value);

        var text = ConversionStepOutputs.Render(result, ResultJson);
        Assert.Equal(outputs, CommandFile.Parse(text));
        Assert.StartsWith($"digest={root.Digest}\nestargz-digest={index.Manifests[0].Digest},{index.Manifests[2].Digest}\n", text);
        Assert.EndsWith($"original-digest=\nresult<<CHUNKEDBUILD_EOF\n{ResultJson}\nCHUNKEDBUILD_EOF\n", text);
    }

    [Fact]
    public async Task Tags_mode_outputs_are_each_variants_tag_and_the_summary_lists_every_tag()
    {
        var result = await ConvertAsync("out", new ConversionRequest
        {
            TempDirectory = Path.GetTempPath(),
            Variants = [LayerVariant.EStargz, LayerVariant.Original, LayerVariant.ZstdChunked], Publish = PublishMode.Tags,
        });
        var outputs = ConversionStepOutputs.Of(result, ResultJson).ToDictionary();

        Assert.Equal(Tagged("out", "1.0-estargz").Digest.ToString(), outputs["estargz-digest"]);
        Assert.Equal(Tagged("out", "1.0-zstdchunked").Digest.ToString(), outputs["zstd-chunked-digest"]);
        Assert.Equal(Tagged("out", "1.0").Digest.ToString(), outputs["original-digest"]);
        Assert.Equal(Tagged("out", result.Tags[0].Tag).Digest.ToString(), outputs["digest"]);

        var summary = ConversionJobSummary.Render(result, "oci:out", startup: null);
        foreach (var tag in result.Tags)
            Assert.Contains($"\n| `{tag.Tag}` | `{Tagged("out", tag.Tag).Digest}` | {tag.Variant!.Value.Name()} |\n", summary);
        Assert.Contains($"\n| original | 2 | ", summary);
        Assert.True(Regex.IsMatch(summary, $@"\n\| estargz \| 2 \| [0-9.]+ (B|KiB|MiB) \| [0-9.]+ (B|KiB|MiB) \| [0-9.]+% \| 2 \| 0 \| 0 \| 0 \| `{outputs["estargz-digest"]}` \|\n"), summary);
    }

    [Fact]
    public async Task The_summary_has_a_heading_a_row_per_variant_the_tags_and_the_start_up_cost_in_a_fixed_layout()
    {
        var result = await ConvertAsync("out", new ConversionRequest { TempDirectory = Path.GetTempPath() });
        var transports = new ImageTransports(null, null);
        StartupCostReport startup;
        await using (var written = transports.OpenSource("oci:" + Path.Combine(_root, "out") + ":1.0"))
            startup = await StartupCostEstimator.EstimateAsync(written, StartupList.Auto, _root, TestContext.Current.CancellationToken);

        var summary = ConversionJobSummary.Render(result, "oci:out", startup);

        var lines = summary.Split('\n');
        var index = Tagged("out", "1.0").Digest;
        var estargz = result.Variants.Single(v => v.Variant == LayerVariant.EStargz);
        var e = estargz.Manifests;
        Assert.Equal("### ChunkedBuild: `oci:out`", lines[0]);
        Assert.Equal("", lines[1]);
        Assert.Equal("| variant | platforms | layers | original layers | vs original | converted | reused | shared | kept | digest |", lines[2]);
        Assert.Equal("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |", lines[3]);
        Assert.Equal($"| estargz | 2 | {ByteSize.Format(estargz.LayerBytes)} | {ByteSize.Format(estargz.OriginalLayerBytes)} | " +
                     $"{ByteSize.Share(estargz.LayerBytes, estargz.OriginalLayerBytes)} | 2 | 0 | 0 | 0 | `{e[0].Descriptor.Digest}`<br>`{e[1].Descriptor.Digest}` |", lines[4]);
        Assert.StartsWith("| zstd-chunked | 2 | ", lines[5]);
        Assert.Equal(["", "| tag | digest | variant |", "| --- | --- | --- |", $"| `1.0` | `{index}` | all variants (index) |", ""], lines[6..11]);
        Assert.Equal("**Start-up cost of a lazy pull** (bytes fetched before the app starts; startup list: auto; estimated network time to start at 100mbit,20ms)", lines[11]);
        Assert.Equal(["", "| platform | variant | before start | ranges | image | share | est. start |", "| --- | --- | ---: | ---: | ---: | ---: | ---: |"], lines[12..15]);
        Assert.Equal(4, lines.Count(l => l.StartsWith("| linux/", StringComparison.Ordinal)));
        // The sample layers hold no .NET app: each platform says why it has no list.
        Assert.Contains("- `linux/amd64`: no startup list (", summary);
        Assert.Contains("- `linux/arm64`: no startup list (", summary);
        // Per platform with an eStargz manifest: the full pull of the original against eStargz pulled lazily, from the same time model.
        Assert.Matches(@"\n- `linux/amd64`: full pull [0-9.]+ s, eStargz lazily [0-9.]+ s \([0-9.]+× sooner\); unpacking, FUSE reads and the app's own start come on top\n", summary);
        Assert.All(lines.Where(l => l.StartsWith("| linux/", StringComparison.Ordinal)), l => Assert.Matches(@" [0-9]+\.[0-9]{1,2} s \|$", l));
        Assert.DoesNotContain("**Warnings**", summary);
        Assert.DoesNotContain("**Sparse files densified**", summary);
        Assert.EndsWith("come on top\n\n", summary);
        Assert.Equal(summary, ConversionJobSummary.Render(result, "oci:out", startup));
    }

    [Fact]
    public void Warnings_are_one_list_item_each_in_ordinal_order_and_a_line_break_in_one_does_not_start_another()
    {
        var result = new ConversionResult { Tags = [], Variants = [], Warnings = ["CHB1102: b", "CHB1101: a\nsecond line"] };

        var summary = ConversionJobSummary.Render(result, "oci:x", startup: null);

        Assert.EndsWith("**Warnings**\n\n- CHB1101: a second line\n- CHB1102: b\n\n", summary);
        Assert.DoesNotContain("| tag |", summary);
        Assert.Equal("", ConversionStepOutputs.Of(result, "{}")[0].Value);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(3 * 1048576, "3.0 MiB")]
    [InlineData(3 * 1048576 + 52429, "3.1 MiB")]
    [InlineData(1288490189, "1.20 GiB")]
    public void Sizes_use_binary_units(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));
}
