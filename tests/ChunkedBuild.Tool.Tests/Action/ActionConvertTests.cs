using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Actions;
using ChunkedBuild.Testing.Corpus;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests.Action;

/// <summary>
/// <c>action/action.yml</c> run end to end through the composite-action runner: the tool installed from a local feed,
/// real conversions to OCI layouts, outputs checked against the layouts written, the step summary, input checks and
/// secret hygiene.
/// </summary>
[Collection(ActionCollection.Name)]
public sealed class ActionConvertTests(ActionToolFeed feed) : IDisposable
{
    private const string StargzTocAnnotation = "containerd.io/snapshot/stargz/toc.digest";
    private readonly ActionHarness _harness = new(feed);

    private string PathOf(string name) => Path.Combine(_harness.Root, name);

    private string TwoPlatformImage()
    {
        var folder = PathOf("src");
        var layers = TestImageLayout.SampleLayers(7);
        TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", layers), new TestPlatformImage("linux", "arm64", layers)], ["1.0"]);
        return folder;
    }

    private static string HelloSample => Path.Combine(RepoPaths.Root, "samples", "images", "hello");

    /// <summary>The descriptor of <paramref name="tag"/> in an OCI layout's index.json.</summary>
    private static JsonElement Tagged(string layout, string tag)
    {
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "index.json")));
        return index.RootElement.GetProperty("manifests").EnumerateArray()
            .Single(m => m.TryGetProperty("annotations", out var a) && a.GetProperty("org.opencontainers.image.ref.name").GetString() == tag).Clone();
    }

    private static JsonElement Blob(string layout, string digest) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]))).RootElement.Clone();

    /// <summary>"estargz", "zstd-chunked" or "original", judged from a manifest's layers alone.</summary>
    private static string VariantOf(string layout, string manifestDigest)
    {
        var layers = Blob(layout, manifestDigest).GetProperty("layers").EnumerateArray().ToList();
        if (layers.All(l => l.GetProperty("mediaType").GetString()!.EndsWith("+zstd", StringComparison.Ordinal))) return "zstd-chunked";
        return layers.All(l => l.TryGetProperty("annotations", out var a) && a.TryGetProperty(StargzTocAnnotation, out _)) ? "estargz" : "original";
    }

    [Fact]
    public void Index_mode_outputs_name_the_index_and_each_variants_manifests_and_the_summary_has_a_row_per_variant()
    {
        var output = PathOf("out");
        var result = _harness.Run(new Dictionary<string, string> { ["source"] = "oci:" + TwoPlatformImage(), ["destination"] = "oci:" + output });

        Assert.True(result.Succeeded, result.Log);
        var root = Tagged(output, "1.0");
        Assert.Equal(root.GetProperty("digest").GetString(), result.Outputs["digest"]);
        var manifests = Blob(output, root.GetProperty("digest").GetString()!).GetProperty("manifests").EnumerateArray()
            .Select(m => (Digest: m.GetProperty("digest").GetString()!, Platform: m.GetProperty("platform").GetProperty("architecture").GetString()))
            .ToList();
        Assert.Equal(4, manifests.Count);
        foreach (var variant in new[] { "estargz", "zstd-chunked" })
        {
            var digests = result.Outputs[variant + "-digest"].Split(',');
            Assert.Equal(2, digests.Length);
            Assert.All(digests, d => Assert.Equal(variant, VariantOf(output, d)));
            Assert.Equal(["amd64", "arm64"], digests.Select(d => manifests.Single(m => m.Digest == d).Platform).Order(StringComparer.Ordinal));
            Assert.Matches(new Regex($@"^\| {variant} \| 2 \| [0-9.]+ [KM]iB \| [0-9.]+ [KM]iB \| [0-9.]+% \| 2 \| 0 \| 0 \| 0 \| `{digests[0]}`<br>`{digests[1]}` \|$", RegexOptions.Multiline),
                result.StepSummary);
        }
        Assert.Equal("", result.Outputs["original-digest"]);
        Assert.Contains($"### ChunkedBuild: `oci:{output}`", result.StepSummary);
        Assert.Contains($"| `1.0` | `{result.Outputs["digest"]}` | all variants (index) |", result.StepSummary);

        using var json = JsonDocument.Parse(result.Outputs["result"]);
        Assert.Equal(result.Outputs["digest"], json.RootElement.GetProperty("digest").GetString());
        ConvertedImageVerifier.Verify(output, "1.0");
        // Inputs reach the scripts through env: only; the expanded run: lines never hold an input's value.
        Assert.All(result.Scripts, s => Assert.DoesNotContain(output, s));
    }

    [Fact]
    public void Tags_mode_outputs_name_each_variants_tag_and_a_second_run_from_the_cache_writes_the_same_outputs_and_summary()
    {
        var inputs = new Dictionary<string, string>
        {
            ["source"] = HelloSample, ["publish"] = "tags", ["variants"] = "estargz,zstd-chunked,original", ["level"] = "5",
            ["extra-args"] = "--strict\n  --jobs 1",
        };
        var first = _harness.Run(new Dictionary<string, string>(inputs) { ["destination"] = "oci:" + PathOf("first") });
        var second = _harness.Run(new Dictionary<string, string>(inputs) { ["destination"] = "oci:" + PathOf("second") });

        Assert.True(first.Succeeded, first.Log);
        Assert.True(second.Succeeded, second.Log);
        Assert.Contains(_harness.CommandLines, l => l.Contains(" --variant estargz,zstd-chunked,original --publish tags --level 5 --startup auto --strict --jobs 1", StringComparison.Ordinal));
        foreach (var (variant, tag) in new[] { ("estargz", "latest-estargz"), ("zstd-chunked", "latest-zstdchunked"), ("original", "latest") })
        {
            var digest = Tagged(PathOf("first"), tag).GetProperty("digest").GetString();
            Assert.Equal(digest, first.Outputs[variant + "-digest"]);
            Assert.Equal(digest, second.Outputs[variant + "-digest"]);
            Assert.Equal(variant, VariantOf(PathOf("first"), digest!));
            Assert.Contains($"| `{tag}` | `{digest}` | {variant} |", first.StepSummary);
        }
        Assert.Equal(first.Outputs["digest"], second.Outputs["digest"]);
        Assert.Equal(Tagged(PathOf("first"), "latest").GetProperty("digest").GetString(), Tagged(HelloSample, "latest").GetProperty("digest").GetString());
        // The second run took its layers from the cache; apart from the counts, the summaries agree.
        Assert.Equal(first.StepSummary.Replace(PathOf("first"), "X", StringComparison.Ordinal).Replace("| 2 | 0 | 0 |", "|", StringComparison.Ordinal),
            second.StepSummary.Replace(PathOf("second"), "X", StringComparison.Ordinal).Replace("| 0 | 2 | 0 |", "|", StringComparison.Ordinal));
    }

    [Fact]
    public void The_prioritization_file_puts_its_files_first_in_the_estargz_layers()
    {
        var manifest = PathOf("chunked.prioritize.yaml");
        File.WriteAllText(manifest, "version: 1\nfiles:\n  - /usr/share/sample/data/lines.txt\n  - /app/hello.dll\n");
        var output = PathOf("out");
        var result = _harness.Run(new Dictionary<string, string>
        {
            ["source"] = HelloSample, ["destination"] = "oci:" + output, ["variants"] = "estargz", ["prioritization-file"] = manifest,
        });

        Assert.True(result.Succeeded, result.Log);
        Assert.Contains(_harness.CommandLines, l => l.Contains($" --prioritize-file {manifest}", StringComparison.Ordinal));
        var layers = Blob(output, result.Outputs["estargz-digest"]).GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).ToList();
        // eStargz moves a prioritized file (after its parent directories) ahead of the landmark, everything else after it.
        Assert.Equal(["usr", "usr/share", "usr/share/sample", "usr/share/sample/data", "usr/share/sample/data/lines.txt"], EntriesBeforeLandmark(output, layers[0]));
        Assert.Equal(["app", "app/hello.dll"], EntriesBeforeLandmark(output, layers[1]));
    }

    [Fact]
    public void The_summary_has_the_start_up_cost_per_variant_for_the_prioritization_file_and_none_turns_it_off()
    {
        var manifest = PathOf("chunked.prioritize.yaml");
        File.WriteAllText(manifest, "version: 1\nfiles:\n  - /app/hello.dll\n");
        var result = _harness.Run(new Dictionary<string, string>
        {
            ["source"] = HelloSample, ["destination"] = "oci:" + PathOf("out"), ["prioritization-file"] = manifest,
        });

        Assert.True(result.Succeeded, result.Log);
        Assert.Contains(_harness.CommandLines, l => l.Contains($" --prioritize-file {manifest} --startup {manifest}", StringComparison.Ordinal));
        Assert.Contains("**Start-up cost of a lazy pull** (bytes fetched before the app starts; startup list: manifest; estimated network time to start at 100mbit,20ms)",
            result.StepSummary);
        using var json = JsonDocument.Parse(result.Outputs["result"]);
        var platform = Assert.Single(json.RootElement.GetProperty("startup").GetProperty("platforms").EnumerateArray());
        Assert.Equal(["/app/hello.dll"], platform.GetProperty("paths").EnumerateArray().Select(p => p.GetString()));
        foreach (var m in platform.GetProperty("manifests").EnumerateArray())
        {
            // one row per variant: the listed file's bytes and the TOCs, fewer than the image
            var bytes = m.GetProperty("startupBytes").GetInt64();
            Assert.InRange(bytes, 1, m.GetProperty("imageBytes").GetInt64() - 1);
            Assert.InRange(m.GetProperty("estimatedSeconds").GetDouble(), 0.1, m.GetProperty("fullPullSeconds").GetDouble() + 0.1);
            Assert.Matches(new Regex($@"^\| linux/amd64 \| {m.GetProperty("variant").GetString()} \| [0-9.]+ (B|KiB) \| {m.GetProperty("ranges").GetInt32()} \| [0-9.]+ KiB \| [0-9.]+% \| [0-9]+\.[0-9]{{2}} s \|$",
                RegexOptions.Multiline), result.StepSummary);
        }

        Assert.Matches(@"- `linux/amd64`: full pull [0-9]+\.[0-9]{2} s, eStargz lazily [0-9]+\.[0-9]{2} s \([0-9.]+× sooner\);", result.StepSummary);

        var slow = _harness.Run(new Dictionary<string, string>
        {
            ["source"] = HelloSample, ["destination"] = "oci:" + PathOf("slow"), ["prioritization-file"] = manifest, ["startup-link"] = "20mbit,80ms",
        });
        Assert.True(slow.Succeeded, slow.Log);
        Assert.Contains(_harness.CommandLines, l => l.Contains($" --startup {manifest} --link 20mbit,80ms", StringComparison.Ordinal));
        Assert.Contains("estimated network time to start at 20mbit,80ms)", slow.StepSummary);

        var auto = _harness.Run(new Dictionary<string, string> { ["source"] = HelloSample, ["destination"] = "oci:" + PathOf("auto") });
        Assert.True(auto.Succeeded, auto.Log);
        // The sample's base has no dotnet host: the report says why there is no list.
        Assert.Contains("- `linux/amd64`: no startup list (the program 'dotnet' is not in the image)", auto.StepSummary);

        var none = _harness.Run(new Dictionary<string, string>
        {
            ["source"] = HelloSample, ["destination"] = "oci:" + PathOf("none"), ["startup-report"] = "none",
        });
        Assert.True(none.Succeeded, none.Log);
        Assert.DoesNotContain("Start-up cost", none.StepSummary);
        Assert.DoesNotContain(_harness.CommandLines, l => l.Contains(PathOf("none"), StringComparison.Ordinal) && l.Contains("--startup", StringComparison.Ordinal));
    }

    /// <summary>The entry names of a gzip layer blob before <c>.prefetch.landmark</c>, without a leading <c>./</c> or <c>/</c> or a trailing <c>/</c>.</summary>
    private static string[] EntriesBeforeLandmark(string layout, string digest)
    {
        using var file = File.OpenRead(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry && entry.Name != ".prefetch.landmark") names.Add(entry.Name.TrimStart('.', '/').TrimEnd('/'));
        return [.. names];
    }

    [Fact]
    public void Required_inputs_are_checked_by_the_runner_and_by_the_script_itself()
    {
        var refused = Assert.Throws<ArgumentException>(() => _harness.Run(new Dictionary<string, string>()));
        Assert.Contains("source, destination", refused.Message);
        Assert.Empty(_harness.CommandLines);

        // GitHub itself does not enforce required: inputs; the script must refuse before converting anything.
        var result = _harness.Run(new Dictionary<string, string> { ["destination"] = "oci:" + PathOf("out") }, enforceRequired: false);
        Assert.False(result.Succeeded);
        Assert.Equal("Convert the image", result.FailedStep);
        Assert.Contains("::error::input 'source' is required", result.Log);
        Assert.DoesNotContain(_harness.CommandLines, l => l.StartsWith("chunked", StringComparison.Ordinal));
        Assert.False(Directory.Exists(PathOf("out")));
    }

    [Fact]
    public void The_registry_password_reaches_the_tool_on_stdin_only()
    {
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var result = _harness.Run(new Dictionary<string, string>
        {
            ["source"] = HelloSample, ["destination"] = "oci:" + PathOf("out"), ["registry-username"] = "ci", ["registry-password"] = password,
        });

        // Whether this tool version accepts --username for an OCI destination or not, the password must have gone to stdin only.
        var convert = Assert.Single(_harness.CommandLines, l => l.StartsWith("chunked convert", StringComparison.Ordinal));
        Assert.EndsWith("--json --startup auto --username ci --password-stdin", convert);
        Assert.Equal([password + "\n"], _harness.StdinReads);
        Assert.All(_harness.CommandLines, l => Assert.DoesNotContain(password, l));
        Assert.DoesNotContain(password, _harness.Environments);
        Assert.DoesNotContain(password, result.Log);
        Assert.DoesNotContain(password, result.StepSummary);
        Assert.All(result.Scripts, s => Assert.DoesNotContain(password, s));
    }

    [Fact]
    public void Densified_sparse_files_are_listed_in_the_summary_and_sparse_refuse_keeps_their_layer()
    {
        var producer = TarCorpus.Producer("gnu-posix-sparse-1.0");
        if (producer.UnavailableReason is { } reason) Assert.Skip(reason);
        var sparse = producer.Build(TarCorpusCatalogue.Sparse(), "", PathOf("sparse.tar"));
        var source = PathOf("src");
        TestImageLayout.WriteLayout(source, [new TestPlatformImage("linux", "amd64", [TestImageLayout.SampleLayers(7)[0], File.ReadAllBytes(sparse.Path)])], ["1.0"]);
        var inputs = new Dictionary<string, string> { ["source"] = "oci:" + source, ["variants"] = "zstd-chunked", ["startup-report"] = "none" };

        var first = _harness.Run(new Dictionary<string, string>(inputs) { ["destination"] = "oci:" + PathOf("first") });
        var second = _harness.Run(new Dictionary<string, string>(inputs) { ["destination"] = "oci:" + PathOf("second") });
        Assert.True(first.Succeeded, first.Log);
        Assert.True(second.Succeeded, second.Log);
        using var json = JsonDocument.Parse(first.Outputs["result"]);
        var layer = json.RootElement.GetProperty("variants")[0].GetProperty("manifests")[0].GetProperty("layers")[1].GetProperty("digest").GetString();
        Assert.Contains("**Sparse files densified**", first.StepSummary);
        Assert.Contains($"| zstd-chunked | `{layer}` | `sparse/all-hole.bin` | 3.0 MiB |", first.StepSummary);
        // The second run took its layers from the cache: the densified files it lists are the same.
        string Rows(ActionRunResult run) => string.Join('\n', run.StepSummary.Split('\n').Where(l => l.StartsWith("| zstd-chunked | `sha256:", StringComparison.Ordinal)));
        Assert.Equal(Rows(first), Rows(second));

        var refused = _harness.Run(new Dictionary<string, string>(inputs) { ["destination"] = "oci:" + PathOf("refused"), ["sparse"] = "refuse" });
        Assert.True(refused.Succeeded, refused.Log);
        Assert.Contains(_harness.CommandLines, l => l.Contains(" --sparse refuse", StringComparison.Ordinal));
        Assert.DoesNotContain("**Sparse files densified**", refused.StepSummary);
        Assert.Contains("- CHB1102: ", refused.StepSummary);
    }

    [Theory]
    [InlineData("sparse", "input 'sparse' must be densify or refuse")]
    [InlineData("registry-password", "needs 'registry-username'")]
    [InlineData("extra-args", "must not carry credentials (--creds)")]
    [InlineData("publish", "must be index or tags")]
    [InlineData("startup-report", "startup-report 'x' is neither auto, none nor an existing file")]
    [InlineData("startup-link", "input 'startup-link' must be RATE[,RTT] such as 100mbit,20ms (got 'x')")]
    public void Bad_inputs_fail_before_the_tool_runs(string input, string message)
    {
        var value = input == "extra-args" ? "--strict --creds u:p" : "x";
        var result = _harness.Run(new Dictionary<string, string> { ["source"] = HelloSample, ["destination"] = "oci:" + PathOf("out"), [input] = value });

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Log);
        Assert.DoesNotContain(_harness.CommandLines, l => l.StartsWith("chunked", StringComparison.Ordinal));
    }

    public void Dispose() => _harness.Dispose();
}
