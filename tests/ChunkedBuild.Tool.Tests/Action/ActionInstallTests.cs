using System.Text.RegularExpressions;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests.Action;

/// <summary>
/// How <c>action/scripts/install.sh</c> gets the tool when no feed holds it: <c>latest</c> (the default) packs it from the action's
/// own checkout (<c>github.action_path</c>, here this repository) and installs that; a pinned version must come from a feed.
/// </summary>
[Collection(ActionCollection.Name)]
public sealed partial class ActionInstallTests(ActionToolFeed feed) : IDisposable
{
    private readonly ActionHarness _harness = new(feed);

    private static string HelloSample => Path.Combine(RepoPaths.Root, "samples", "images", "hello");

    [GeneratedRegex(@"^tool install --tool-path \S+ ChunkedBuild\.Tool --version (?<version>0\.0\.0-checkout\.[0-9a-f]{12}) --add-source (?<feed>\S+)$")]
    private static partial Regex CheckoutInstall();

    [Fact]
    public void Latest_with_no_feed_holding_the_tool_packs_it_from_the_actions_checkout_and_converts()
    {
        var output = Path.Combine(_harness.Root, "out");
        var result = _harness.Run(new Dictionary<string, string>
        {
            ["source"] = HelloSample, ["destination"] = "oci:" + output, ["tool-version"] = "latest", ["tool-source"] = "",
        });

        Assert.True(result.Succeeded, result.Log);
        Assert.Contains("No NuGet feed holds ChunkedBuild.Tool (latest); packing it from the action's checkout " + RepoPaths.Root, result.Log);
        var commands = _harness.CommandLines;
        // First the feeds (none holds the package), then a pack of this repository's tool, then an install of exactly that package.
        Assert.StartsWith("tool install --tool-path ", commands[0]);
        Assert.DoesNotContain("--version", commands[0]);
        var pack = Assert.Single(commands, c => c.StartsWith("pack ", StringComparison.Ordinal));
        Assert.StartsWith($"pack {Path.Combine(RepoPaths.Root, "src", "ChunkedBuild.Tool", "ChunkedBuild.Tool.csproj")} -c Release ", pack);
        var install = Assert.Single(commands, c => CheckoutInstall().IsMatch(c));
        var version = CheckoutInstall().Match(install).Groups["version"].Value;
        Assert.True(File.Exists(Path.Combine(CheckoutInstall().Match(install).Groups["feed"].Value, $"ChunkedBuild.Tool.{version}.nupkg")));
        // The packed tool converts: the layout's tag holds both variants and every layer passes the oracle.
        Assert.Equal(new OciLayoutReader(output).Resolve("latest").Digest.ToString(), result.Outputs["digest"]);
        Assert.NotEqual("", result.Outputs["estargz-digest"]);
        Assert.NotEqual("", result.Outputs["zstd-chunked-digest"]);
        ConvertedImageVerifier.Verify(output, "latest");
    }

    [Fact]
    public void A_pinned_version_no_feed_holds_fails_without_packing()
    {
        var result = _harness.Run(new Dictionary<string, string>
        {
            ["source"] = HelloSample, ["destination"] = "oci:" + Path.Combine(_harness.Root, "out"), ["tool-version"] = "9.9.9", ["tool-source"] = "",
        });

        Assert.False(result.Succeeded);
        Assert.Equal("Install ChunkedBuild.Tool", result.FailedStep);
        Assert.Contains("ChunkedBuild.Tool 9.9.9 could not be installed from the NuGet feeds", result.Log);
        Assert.DoesNotContain(_harness.CommandLines, c => c.StartsWith("pack ", StringComparison.Ordinal));
    }

    public void Dispose() => _harness.Dispose();
}
