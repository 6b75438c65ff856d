using System.Text.Json;
using System.Text.RegularExpressions;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Prioritization.Manifests;
using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Core.Tests.Prioritization.Manifests;

public class PrioritizationManifestTests
{
    private const string Good = """
        version: 1
        files:
          - /app/MyApp.dll
          - /app/*.json
          - "**/libcoreclr.so"
        exclude: ["**/*.pdb", "/app/docs/**"]
        platforms:
          linux/arm64: { files: [/app/arm64.so], exclude: [/app/x64.so] }
          linux/arm64/v8:
            files: [/app/v8.so]
          linux/arm/v7:
            inherit: false
            files: [/app/only-arm.dll]
        """;

    [Fact]
    public void Parses_every_key()
    {
        var manifest = PrioritizationManifest.Parse(Good, "good.yaml");
        Assert.Equal(1, manifest.Version);
        Assert.Equal(["/app/MyApp.dll", "/app/*.json", "**/libcoreclr.so"], manifest.Files.Select(f => f.Text));
        Assert.Equal(["**/*.pdb", "/app/docs/**"], manifest.Exclude.Select(f => f.Text));
        Assert.Equal(["linux/arm64", "linux/arm64/v8", "linux/arm/v7"], manifest.Platforms.Keys);
        Assert.False(manifest.Platforms["linux/arm/v7"].Inherit);
        Assert.True(manifest.Platforms["linux/arm64"].Inherit);
    }

    [Fact]
    public void Platform_rules_add_to_or_replace_the_top_level_lists()
    {
        var manifest = PrioritizationManifest.Parse(Good, "good.yaml");
        string[] image = ["/app/v8.so", "/app/arm64.so", "/app/x64.so", "/app/MyApp.dll", "/app/only-arm.dll", "/app/a.json", "/app/MyApp.pdb"];

        Assert.Equal(["/app/MyApp.dll", "/app/a.json"], manifest.ForPlatform(new Platform { Os = "linux", Architecture = "amd64" }).Order(image));
        Assert.Equal(["/app/MyApp.dll", "/app/a.json", "/app/arm64.so", "/app/v8.so"],
            manifest.ForPlatform(new Platform { Os = "linux", Architecture = "arm64", Variant = "v8" }).Order(image));
        var arm = manifest.ForPlatform(new Platform { Os = "linux", Architecture = "arm", Variant = "v7" });
        Assert.Equal(["/app/only-arm.dll"], arm.Order(image));
        Assert.Empty(arm.Excludes);
        Assert.Equal(["/app/MyApp.dll", "/app/a.json"], manifest.ForPlatform(null).Order(image));
    }

    [Fact]
    public void Empty_lists_and_null_values_are_empty()
    {
        var manifest = PrioritizationManifest.Parse("version: 1\nfiles:\nexclude: []\nplatforms:\n", "m.yaml");
        Assert.Empty(manifest.Files);
        Assert.Empty(manifest.Exclude);
        Assert.Empty(manifest.Platforms);
    }

    [Theory]
    [InlineData("", 0, "empty")]
    [InlineData("files: [/a]\n", 1, "'version' is missing")]
    [InlineData("version: 2\n", 1, "unsupported version 2")]
    [InlineData("version: one\n", 1, "'version' must be an integer")]
    [InlineData("version: 1\nfile: [/a]\n", 2, "unknown key 'file'")]
    [InlineData("version: 1\nfiles: /a\n", 2, "'files' must be a list")]
    [InlineData("version: 1\nfiles:\n  - /a\n  - {x: 1}\n", 4, "every item of 'files' must be a path pattern string")]
    [InlineData("version: 1\nexclude:\n  - /a\n  - /b/a**\n", 4, "bad glob in 'exclude'")]
    [InlineData("version: 1\nplatforms: [linux/amd64]\n", 2, "'platforms' must be a mapping")]
    [InlineData("version: 1\nplatforms:\n  linux: {files: []}\n", 3, "platform key 'linux' is not of the form")]
    [InlineData("version: 1\nplatforms:\n  linux/amd64: [/a]\n", 3, "platform 'linux/amd64' must be a mapping")]
    [InlineData("version: 1\nplatforms:\n  linux/amd64:\n    include: [/a]\n", 4, "unknown key 'include' in platform 'linux/amd64'")]
    [InlineData("version: 1\nplatforms:\n  linux/amd64:\n    inherit: maybe\n", 4, "inherit' must be true or false")]
    [InlineData("version: 1\nfiles: [/a\n", 0, "not valid YAML")]
    [InlineData("- /a\n- /b\n", 1, "must be a mapping")]
    [InlineData("version: 1\n---\nversion: 1\n", 3, "only one YAML document")]
    public void Errors_name_the_file_line_and_rule(string yaml, int line, string rule)
    {
        var e = Assert.Throws<ChunkedBuildException>(() => PrioritizationManifest.Parse(yaml, "prio.yaml"));
        Assert.Equal(ErrorCodes.InvalidPrioritizationManifest, e.Code);
        Assert.Contains(rule, e.Message);
        Assert.Contains(line > 0 ? $"prio.yaml:{line}:" : "prio.yaml", e.Message);
    }

    [Fact]
    public void Load_reads_a_file_and_reports_a_missing_one_as_io_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"prio-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, Good);
        try
        {
            Assert.Equal(3, PrioritizationManifest.Load(path).Files.Count);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Equal(ErrorCodes.IoError, Assert.Throws<ChunkedBuildException>(() => PrioritizationManifest.Load(path)).Code);
    }

    [Fact]
    public void Schema_keys_equal_the_loader_keys()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "schemas", "prioritization.schema.json")));
        var root = schema.RootElement;
        Assert.Equal(PrioritizationManifestParser.TopLevelKeys.Order(), root.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(PrioritizationManifestParser.PlatformKeys.Order(),
            root.GetProperty("$defs").GetProperty("platform").GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        Assert.False(root.GetProperty("additionalProperties").GetBoolean());
        Assert.False(root.GetProperty("$defs").GetProperty("platform").GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(PrioritizationManifest.CurrentVersion, root.GetProperty("properties").GetProperty("version").GetProperty("const").GetInt32());
    }

    [Fact]
    public void The_docs_example_loads_and_fits_the_schema()
    {
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "prioritization.md"));
        var example = Regex.Match(docs, "```yaml\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("version: 1", example);
        var manifest = PrioritizationManifest.Parse(example, "docs/prioritization.md");

        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "schemas", "prioritization.schema.json")));
        var defs = schema.RootElement.GetProperty("$defs");
        var keyPattern = new Regex(schema.RootElement.GetProperty("properties").GetProperty("platforms").GetProperty("propertyNames").GetProperty("pattern").GetString()!);
        var badGlob = new Regex(defs.GetProperty("pattern").GetProperty("not").GetProperty("pattern").GetString()!);
        foreach (var key in manifest.Platforms.Keys) Assert.Matches(keyPattern, key);
        var patterns = manifest.Files.Concat(manifest.Exclude).Concat(manifest.Platforms.Values.SelectMany(p => p.Files.Concat(p.Exclude)));
        foreach (var pattern in patterns) Assert.DoesNotMatch(badGlob, pattern.Text);
        // the schema's bad-glob pattern agrees with the loader on the refusals it can express
        foreach (var bad in new[] { "/a/**x", "/a/../b", "/a/b/" })
        {
            Assert.Matches(badGlob, bad);
            Assert.Throws<FormatException>(() => PathPattern.Parse(bad));
        }
    }
}
