using System.Text;
using System.Text.Json.Nodes;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Corpus;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion;

/// <summary>
/// Manifests, indexes, configs and docker <c>manifest.json</c> files with <c>null</c> where arrays or objects belong, or wrongly typed
/// fields, are refused with CHB2005 naming the document, the JSON path and the rule, by convert, inspect and the startup estimate alike
/// (issue 12, item 7: they used to surface as NullReferenceException / InvalidOperationException, exit 70). A runtimeconfig inside a
/// layer that is not a JSON object only makes startup inference give up, with a CHB2005 warning.
/// </summary>
public sealed class HostileDocumentTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-hostile-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Source => Path.Combine(_root, "src");

    private string Layout(int platforms = 1)
    {
        if (Directory.Exists(Source)) Directory.Delete(Source, recursive: true);
        var images = Enumerable.Range(0, platforms).Select(i => new TestPlatformImage("linux", i == 0 ? "amd64" : "arm64", TestImageLayout.SampleLayers(i + 1))).ToList();
        TestImageLayout.WriteLayout(Source, images, ["1"]);
        return Source;
    }

    private async Task<ConversionResult> ConvertAsync(string source, ConversionRequest? request = null)
    {
        var transports = new ImageTransports(null, null);
        await using var src = transports.OpenSource(source);
        await using var sink = transports.OpenSink("oci:" + Path.Combine(_root, "out"), out _);
        return await new ImageConverter(request ?? new ConversionRequest { TempDirectory = Path.GetTempPath(), Variants = [LayerVariant.ZstdChunked] }).ConvertAsync(src, sink, TestContext.Current.CancellationToken);
    }

    private static async Task<IReadOnlyList<InspectedImage>> InspectAsync(string source)
    {
        await using var src = new ImageTransports(null, null).OpenSource(source);
        return await ImageInspector.InspectAsync(src, countEntries: true, null, TestContext.Current.CancellationToken);
    }

    private static async Task<StartupCostReport> StartupAsync(string source)
    {
        await using var src = new ImageTransports(null, null).OpenSource(source);
        return await StartupCostEstimator.EstimateAsync(src, StartupList.Auto, Path.GetTempPath(), TestContext.Current.CancellationToken);
    }

    /// <summary>Convert, inspect and the startup estimate all refuse the image with CHB2005 naming <paramref name="document"/>, <paramref name="path"/> and <paramref name="rule"/>.</summary>
    private async Task AssertMalformed(string source, string document, string path, string rule)
    {
        foreach (var run in new Func<Task>[] { () => ConvertAsync(source), () => InspectAsync(source), () => StartupAsync(source) })
        {
            var error = await Assert.ThrowsAsync<ChunkedBuildException>(run);
            Assert.Equal(ErrorCodes.MalformedDocument, error.Code);
            Assert.Contains(document, error.Message);
            Assert.Contains($"{path}: {rule}", error.Message);
        }
        Assert.False(Directory.Exists(Path.Combine(_root, "out")));
    }

    public static TheoryData<string, string, string> ManifestEdits() => new()
    {
        { """{"layers": null}""", "$.layers", "null where an array is expected" },
        { """{"layers": [null]}""", "$.layers[0]", "null where an object is expected" },
        { """{"config": null}""", "$.config", "null where an object is expected" },
        { """{"config": []}""", "$.config", "an array where an object is expected" },
        { """{"layers": [5]}""", "$.layers[0]", "a number where an object is expected" },
        { """{"schemaVersion": "2"}""", "$.schemaVersion", "a string where a non-negative whole number is expected" },
    };

    [Theory]
    [MemberData(nameof(ManifestEdits))]
    public async Task A_manifest_of_the_wrong_shape_is_CHB2005_naming_the_manifest_the_path_and_the_rule(string edit, string path, string rule)
    {
        var layout = Layout();
        LayoutEditor.EditManifest(layout, m => Merge(m, edit));
        await AssertMalformed("oci:" + layout, "manifest sha256:", path, rule);
    }

    [Fact]
    public async Task A_layer_with_a_negative_size_or_no_digest_is_CHB2005()
    {
        var layout = Layout();
        LayoutEditor.EditManifest(layout, m => m["layers"]![0]!["size"] = -1);
        await AssertMalformed("oci:" + layout, "manifest sha256:", "$.layers[0].size", "-1 is not a non-negative whole number");

        layout = Layout();
        LayoutEditor.EditManifest(layout, m => m["layers"]![0]!.AsObject().Remove("digest"));
        await AssertMalformed("oci:" + layout, "manifest sha256:", "$.layers[0]", "the required member 'digest' is missing");
    }

    [Theory]
    [InlineData("""{"manifests": null}""", "$.manifests", "null where an array is expected")]
    [InlineData("""{"manifests": [null]}""", "$.manifests[0]", "null where an object is expected")]
    [InlineData("""{"manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1, "digest": 5}]}""", "$.manifests[0].digest", "a number where a digest string is expected")]
    public async Task An_index_of_the_wrong_shape_is_CHB2005_naming_the_index(string edit, string path, string rule)
    {
        var layout = Layout(platforms: 2);
        LayoutEditor.EditIndex(layout, i => Merge(i, edit));
        await AssertMalformed("oci:" + layout, "index sha256:", path, rule);
    }

    [Fact]
    public async Task An_index_json_with_null_manifests_is_CHB2005_naming_index_json()
    {
        var layout = Layout();
        LayoutEditor.EditIndexJson(layout, i => i["manifests"] = null);
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + layout));
        Assert.Equal(ErrorCodes.MalformedDocument, error.Code);
        Assert.Contains("index.json is not a valid image index: $.manifests: null where an array is expected", error.Message);
    }

    public static TheoryData<string, string, string> ConfigEdits() => new()
    {
        { """{"config": []}""", "$.config", "an array where an object is expected" },
        { """{"config": {"Entrypoint": [5]}}""", "$.config.Entrypoint[0]", "a number where a string is expected" },
        { """{"config": {"Env": [1]}}""", "$.config.Env[0]", "a number where a string is expected" },
        { """{"config": {"Env": [null]}}""", "$.config.Env[0]", "null where a string is expected" },
        { """{"config": {"WorkingDir": 5}}""", "$.config.WorkingDir", "a number where a string is expected" },
        { """{"config": {"Cmd": {}}}""", "$.config.Cmd", "an object where an array is expected" },
        { """{"rootfs": {"diff_ids": [null]}}""", "$.rootfs.diff_ids[0]", "null where a Digest is expected" },
        { """{"rootfs": {"diff_ids": null}}""", "", "has 2 layers but its config lists 0 diff_ids" },
        { """{"architecture": 64}""", "$.architecture", "a number where a string is expected" },
    };

    [Theory]
    [MemberData(nameof(ConfigEdits))]
    public async Task A_config_with_wrongly_typed_fields_is_refused_naming_the_config_the_path_and_the_rule(string edit, string path, string rule)
    {
        var layout = Layout();
        LayoutEditor.EditConfig(layout, c => Merge(c, edit));
        if (path == "")
        {
            var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + layout));
            Assert.Equal(ErrorCodes.DiffIdMismatch, error.Code);
            Assert.Contains(rule, error.Message);
            return;
        }
        await AssertMalformed("oci:" + layout, "config sha256:", path, rule);
    }

    [Fact]
    public async Task A_config_whose_run_fields_are_null_is_accepted_as_go_decodes_it()
    {
        var layout = Layout();
        LayoutEditor.EditConfig(layout, c => Merge(c, """{"config": {"Entrypoint": null, "Cmd": null, "Env": null, "WorkingDir": null}, "variant": null}"""));
        var result = await ConvertAsync("oci:" + layout);
        Assert.Equal(2, result.Variants[0].Converted);
        Assert.NotEmpty(await InspectAsync("oci:" + layout));
    }

    [Theory]
    [InlineData("[null]", "$[0]", "null where an object is expected")]
    [InlineData("null", "$", "null where an array is expected")]
    [InlineData("""[{"Config": null, "Layers": []}]""", "$[0].Config", "null where a string is expected")]
    [InlineData("""[{"Config": "c.json", "Layers": null}]""", "$[0].Layers", "null where an array is expected")]
    [InlineData("""[{"Config": "c.json", "Layers": [null]}]""", "$[0].Layers[0]", "null where a string is expected")]
    [InlineData("""[{"Layers": []}]""", "$[0]", "the required member 'Config' is missing")]
    [InlineData("""[{"Config": "c.json", "Layers": [], "RepoTags": [7]}]""", "$[0].RepoTags[0]", "a number where a string is expected")]
    public async Task A_docker_manifest_json_of_the_wrong_shape_is_CHB2005_naming_it(string manifestJson, string path, string rule)
    {
        var archive = Path.Combine(_root, "docker.tar");
        TestImageLayout.WriteDockerArchive(archive, new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(1)), ["app:1"]);
        LayoutEditor.ReplaceArchiveEntry(archive, "manifest.json", Encoding.UTF8.GetBytes(manifestJson));
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("docker-archive:" + archive));
        Assert.Equal(ErrorCodes.MalformedDocument, error.Code);
        Assert.Contains($"docker-archive:{archive}: manifest.json is not a valid list of DockerArchiveManifestEntry: {path}: {rule}", error.Message);
    }

    /// <summary>Found by the fuzz test: JSON that is not UTF-8, names a member twice, or escapes a lone surrogate.</summary>
    [Theory]
    [InlineData(new byte[] { 0x22, 0xff, 0x22 }, "$: not valid JSON: the text is not valid UTF-8")]
    [InlineData(new byte[] { 0x22, 0x5c, 0x75, 0x64, 0x38, 0x30, 0x30, 0x22 }, "$.mediaType: a string that is not valid Unicode")]
    public async Task A_manifest_string_that_is_not_unicode_is_CHB2005(byte[] mediaTypeJson, string rule)
    {
        var layout = Layout();
        var manifestPath = ManifestPath(layout);
        var text = File.ReadAllBytes(manifestPath);
        var at = Encoding.ASCII.GetString(text).IndexOf("\"mediaType\":", StringComparison.Ordinal) + "\"mediaType\":".Length;
        var end = Array.IndexOf(text, (byte)'"', at + 1) + 1;
        var edited = LayoutEditor.ReplaceBlob(layout, Core.Oci.Digest.Parse("sha256:" + Path.GetFileName(manifestPath)), [.. text[..at], .. mediaTypeJson, .. text[end..]]);
        Assert.NotEqual(Path.GetFileName(manifestPath), edited.Hex);
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + layout));
        Assert.Equal(ErrorCodes.MalformedDocument, error.Code);
        Assert.Contains($"manifest {edited} is not a valid image manifest: {rule}", error.Message);
    }

    private static string ManifestPath(string layout) =>
        Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")).First(f => File.ReadAllText(f, Encoding.Latin1).Contains("\"layers\":["));

    [Fact]
    public async Task A_manifest_naming_a_member_twice_is_CHB2005()
    {
        var layout = Layout();
        var manifestPath = ManifestPath(layout);
        var text = File.ReadAllText(manifestPath);
        var twice = text.Replace("\"schemaVersion\":2", "\"schemaVersion\":2,\"schemaVersion\":2", StringComparison.Ordinal);
        LayoutEditor.ReplaceBlob(layout, Core.Oci.Digest.Parse("sha256:" + Path.GetFileName(manifestPath)), Encoding.UTF8.GetBytes(twice));
        var error = await Assert.ThrowsAsync<ChunkedBuildException>(() => ConvertAsync("oci:" + layout));
        Assert.Equal(ErrorCodes.MalformedDocument, error.Code);
        Assert.Contains("a member is named twice in one object", error.Message);
    }

    /// <summary>Found by the fuzz test: a runtimeconfig holding bytes that are not UTF-8 made inference throw InvalidOperationException.</summary>
    [Fact]
    public async Task A_runtimeconfig_that_is_not_utf8_makes_inference_give_up_with_a_warning()
    {
        var layout = DotnetApp(Encoding.Latin1.GetString([.. "{\"runtimeOptions\":{\"framework\":{\"name\":\"A"u8, 0xe9, .. "\",\"version\":\"1\"}}}"u8]));
        var result = await ConvertAsync("oci:" + layout, new ConversionRequest { TempDirectory = Path.GetTempPath(), Variants = [LayerVariant.EStargz], Prioritization = PrioritizationMode.Auto });
        Assert.Contains(result.Warnings, w => w.StartsWith(ErrorCodes.MalformedDocument, StringComparison.Ordinal) && w.Contains("it is not valid UTF-8"));
    }

    /// <summary>A .NET app image (dotnet host, app assembly) whose runtimeconfig is <paramref name="runtimeConfig"/> (each char one byte when it is Latin-1).</summary>
    private string DotnetApp(string runtimeConfig)
    {
        var bytes = runtimeConfig.Any(c => c > 0x7f) ? Encoding.Latin1.GetBytes(runtimeConfig) : Encoding.UTF8.GetBytes(runtimeConfig);
        var layer = TestImageLayout.Tar(TarSpec.Of(
            TarSpec.Dir("usr/"), TarSpec.Dir("usr/bin/"), TarSpec.File("usr/bin/dotnet", "#!host"),
            TarSpec.Dir("app/"), TarSpec.File("app/hello.dll", TarContent.Random(3, 5_000)), TarSpec.File("app/hello.runtimeconfig.json", bytes)));
        if (Directory.Exists(Source)) Directory.Delete(Source, recursive: true);
        TestImageLayout.WriteLayout(Source, [new TestPlatformImage("linux", "amd64", [layer])], ["1"]);
        return Source;
    }

    [Theory]
    [InlineData("[]", "its root is an array, not a JSON object")]
    [InlineData("5", "its root is a number, not a JSON object")]
    [InlineData("\"x\"", "its root is a string, not a JSON object")]
    [InlineData("{", "it is not valid JSON")]
    public async Task A_runtimeconfig_that_is_not_an_object_makes_inference_give_up_with_a_warning_not_refuse_the_image(string runtimeConfig, string problem)
    {
        var layout = DotnetApp(runtimeConfig);
        var result = await ConvertAsync("oci:" + layout, new ConversionRequest { TempDirectory = Path.GetTempPath(), Variants = [LayerVariant.EStargz], Prioritization = PrioritizationMode.Auto });
        Assert.Equal(1, result.Variants[0].Converted);
        var warning = Assert.Single(result.Warnings, w => w.StartsWith(ErrorCodes.MalformedDocument, StringComparison.Ordinal));
        Assert.Contains("'/app/hello.runtimeconfig.json' is not a valid runtimeconfig", warning);
        Assert.Contains(problem, warning);
        Assert.Empty(Assert.Single(result.Plans.Values).Paths);
        ConvertedImageVerifier.Verify(Path.Combine(_root, "out"), "1");

        var report = await StartupAsync("oci:" + layout);
        var plan = Assert.Single(report.Platforms).Plan;
        Assert.Empty(plan.Paths);
        Assert.Equal(ErrorCodes.MalformedDocument, plan.ReasonCode);
    }

    /// <summary>Sets each top-level member of <paramref name="json"/> (an object) on <paramref name="target"/>; nested objects are merged.</summary>
    private static void Merge(JsonObject target, string json)
    {
        foreach (var (key, value) in JsonNode.Parse(json)!.AsObject().ToList())
        {
            if (value is JsonObject inner && target[key] is JsonObject existing) Merge(existing, inner.ToJsonString());
            else target[key] = value?.DeepClone();
        }
    }
}
