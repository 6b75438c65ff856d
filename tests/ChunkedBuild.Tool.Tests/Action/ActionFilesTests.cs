using System.Text.RegularExpressions;
using ChunkedBuild.Core.Conversion.Reports;
using ChunkedBuild.Core.Prioritization.Manifests;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Actions;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace ChunkedBuild.Tool.Tests.Action;

/// <summary>The action's files and the samples that use it: linters, injection rules, and the sample workflow's inputs.</summary>
public sealed class ActionFilesTests
{
    private static string Root => RepoPaths.Root;

    private static string YamllintConfig => Path.Combine(Root, ".yamllint.yml");

    private static readonly string[] YamlFiles =
    [
        "action/action.yml", "samples/workflows/release.yml", "samples/prioritization/chunked.prioritize.yaml", ".yamllint.yml",
    ];

    [Fact]
    public void Shellcheck_passes_on_the_action_scripts()
    {
        if (!ProcessRunner.IsOnPath("shellcheck")) Assert.Skip("shellcheck is not installed (apt-get install shellcheck)");
        var scripts = Directory.GetFiles(Path.Combine(Root, "action", "scripts"), "*.sh").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["cache-key.sh", "convert.sh", "install.sh"], scripts.Select(Path.GetFileName));
        var result = ProcessRunner.Run("shellcheck", ["--shell=bash", "--severity=style", .. scripts]);
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
    }

    [Fact]
    public void Yamllint_passes_on_the_action_and_the_samples()
    {
        if (!ProcessRunner.IsOnPath("yamllint")) Assert.Skip("yamllint is not installed (apt-get install yamllint)");
        var result = ProcessRunner.Run("yamllint", ["--strict", "-c", YamllintConfig, .. YamlFiles.Select(f => Path.Combine(Root, f))]);
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
    }

    [Fact]
    public void Scripts_are_executable_and_run_lines_never_interpolate_inputs()
    {
        var action = CompositeAction.Load(Path.Combine(Root, "action"));
        Assert.All(action.Steps, s => Assert.False(ActionExpressions.ReadsInputs(s.Run), $"step '{s.Name}' pastes an input into its script"));
        // The password is only ever mapped to the one variable the scripts that talk to a registry read (and unset) before
        // running anything, and never handed to another action.
        var passwordUses = action.Steps.SelectMany(s => s.Environment.Select(e => (s.Id, e.Key, e.Value)))
            .Where(e => e.Value.Contains("inputs.registry-password", StringComparison.Ordinal)).ToList();
        Assert.Equal([("cache-key", "INPUT_REGISTRY_PASSWORD", "${{ inputs.registry-password }}"), ("convert", "INPUT_REGISTRY_PASSWORD", "${{ inputs.registry-password }}")],
            passwordUses);
        Assert.All(action.Steps.SelectMany(s => s.With), w => Assert.False(ActionExpressions.ReadsInputs(w.Value), $"with: {w.Key} passes an input to another action"));
        if (!OperatingSystem.IsWindows())
        {
            foreach (var script in Directory.GetFiles(Path.Combine(Root, "action", "scripts"), "*.sh"))
                Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
        }
    }

    [Fact]
    public void Every_input_has_a_description_and_every_declared_output_is_written_by_the_tool()
    {
        var action = CompositeAction.Load(Path.Combine(Root, "action"));
        Assert.Equal(["source", "destination"], action.Inputs.Where(i => i.Required).Select(i => i.Id));
        Assert.Equal(["source", "destination", "variants", "publish", "prioritization-file", "startup-report", "startup-link", "sparse", "level", "registry-username", "registry-password",
            "tool-version", "tool-source", "cache", "registry-cache", "cache-to", "cache-from", "extra-args"], action.Inputs.Select(i => i.Id));
        // convert --github-output writes the convert step's outputs: the declared outputs are exactly the ones it writes, in its order.
        Assert.All(action.Outputs, o => Assert.Equal($"${{{{ steps.convert.outputs.{o.Id} }}}}", o.Value));
        Assert.Equal(ConversionStepOutputs.Names, action.Outputs.Select(o => o.Id));
        var script = File.ReadAllText(Path.Combine(Root, "action", "scripts", "convert.sh"));
        Assert.Contains("--github-output \"$GITHUB_OUTPUT\"", script);
        Assert.Contains("--summary \"$GITHUB_STEP_SUMMARY\"", script);
    }

    [Theory]
    [InlineData("convert.sh")]
    [InlineData("cache-key.sh")]
    [InlineData("install.sh")]
    public void The_scripts_only_invoke_the_tool_and_transform_no_json(string name)
    {
        var script = File.ReadAllLines(Path.Combine(Root, "action", "scripts", name));
        // Code only: comments may name what the tool does.
        var code = string.Join('\n', script.Select(l => Regex.Replace(l, @"(^|\s)#.*$", "")));
        Assert.DoesNotMatch(new Regex(@"\b(jq|python3?|node|ruby|perl)\b"), code);
        Assert.DoesNotContain("JSON_READER", code);
        // The convert step's outputs are the tool's to write (--github-output): the script never appends to the file itself.
        if (name == "convert.sh") Assert.DoesNotMatch(new Regex(@">>\s*""?\$\{?GITHUB_OUTPUT"), code);
    }

    [Fact]
    public void The_sample_workflow_gives_the_action_only_inputs_it_declares_and_all_it_requires()
    {
        var action = CompositeAction.Load(Path.Combine(Root, "action"));
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Root, "samples", "workflows", "release.yml"))) stream.Load(reader);
        var steps = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["jobs"])["image"])["steps"];
        var step = steps.Children.Cast<YamlMappingNode>().Single(s => s.Children.TryGetValue("uses", out var u) && u.ToString().Contains("/action@", StringComparison.Ordinal));
        var given = ((YamlMappingNode)step["with"]).Children.Keys.Select(k => k.ToString()).ToList();

        Assert.All(given, g => Assert.Contains(g, action.Inputs.Select(i => i.Id)));
        Assert.All(action.Inputs.Where(i => i.Required), i => Assert.Contains(i.Id, given));
        Assert.Equal("${{ secrets.GITHUB_TOKEN }}", ((YamlMappingNode)step["with"])["registry-password"].ToString());
    }

    [Fact]
    public void The_sample_prioritization_file_is_a_valid_manifest()
    {
        var manifest = PrioritizationManifest.Load(Path.Combine(Root, "samples", "prioritization", "chunked.prioritize.yaml"));
        var arm64 = manifest.ForPlatform(new Core.Oci.Platform { Os = "linux", Architecture = "arm64" });
        string[] image =
        [
            "/app/appsettings.json", "/app/Lib.dll", "/app/Lib.pdb", "/app/MyApp.dll", "/app/MyApp",
            "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/libcoreclr.so", "/app/runtimes/linux-arm64/native/libe_sqlite3.so",
            "/app/wwwroot/index.html", "/etc/os-release",
        ];
        Assert.Equal(
            ["/app/MyApp", "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/libcoreclr.so", "/app/MyApp.dll", "/app/appsettings.json", "/app/Lib.dll",
             "/app/runtimes/linux-arm64/native/libe_sqlite3.so"],
            arm64.Order(image));
        Assert.DoesNotContain("/app/runtimes/linux-arm64/native/libe_sqlite3.so", manifest.ForPlatform(new Core.Oci.Platform { Os = "linux", Architecture = "amd64" }).Order(image));
    }
}
