using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Actions;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Tool.Tests.Action;

/// <summary>The action pushing to Debian's docker-registry on 127.0.0.1: without auth, and with htpasswd Basic auth.</summary>
[Collection(ActionCollection.Name)]
public sealed class ActionRegistryTests(ActionToolFeed feed) : IDisposable
{
    private const string OciIndex = "application/vnd.oci.image.index.v1+json";
    private readonly ActionHarness _harness = new(feed);

    private static string HelloSample => Path.Combine(RepoPaths.Root, "samples", "images", "hello");

    /// <summary>The digest the registry serves for <paramref name="reference"/> (Docker-Content-Digest), or the status when it refuses.</summary>
    private static async Task<(HttpStatusCode Status, string? Digest)> ManifestDigest(LocalRegistry registry, string repository, string reference, string? basic = null)
    {
        using var client = new HttpClient { BaseAddress = registry.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/{repository}/manifests/{reference}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciIndex));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        if (basic is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, response.Headers.TryGetValues("Docker-Content-Digest", out var v) ? v.Single() : null);
    }

    /// <summary>Skips while the tool's convert cannot open registries (the registry transport lands separately).</summary>
    private static void SkipWhenConvertHasNoRegistries(ActionRunResult result)
    {
        if (!result.Succeeded && result.Log.Contains("registries are not available here", StringComparison.Ordinal))
            Assert.Skip("dotnet chunked convert does not open docker:// locations in this build yet");
    }

    [Fact]
    public async Task Pushes_the_index_and_the_digest_output_is_what_the_registry_serves()
    {
        if (!LocalRegistry.IsAvailable) Assert.Skip("docker-registry is not installed (apt-get install docker-registry)");
        using var registry = LocalRegistry.Start();
        var result = _harness.Run(new Dictionary<string, string> { ["source"] = HelloSample, ["destination"] = $"docker://{registry.Host}/apps/hello:1.0" });
        SkipWhenConvertHasNoRegistries(result);

        Assert.True(result.Succeeded, result.Log + registry.Log);
        Assert.Equal((HttpStatusCode.OK, result.Outputs["digest"]), await ManifestDigest(registry, "apps/hello", "1.0"));
        foreach (var variant in new[] { "estargz", "zstd-chunked" })
            Assert.Equal(HttpStatusCode.OK, (await ManifestDigest(registry, "apps/hello", result.Outputs[variant + "-digest"])).Status);
        Assert.Contains($"| `1.0` | `{result.Outputs["digest"]}` | all variants (index) |", result.StepSummary);
        // The registry check of the push: docker-registry serves both kinds of Range GETs.
        Assert.Contains($"**Registry check** of `{registry.Host}/apps/hello`", result.StepSummary);
        Assert.Contains("| estargz | lazy | will work | single- and multi-range GETs are served |", result.StepSummary);
        Assert.Contains("| zstd-chunked | partial | will work | multi-range GETs are served as multipart/byteranges |", result.StepSummary);
    }

    [Fact]
    public async Task A_fresh_runner_reuses_the_conversions_an_earlier_run_recorded_in_the_registry_and_the_job_summary_says_so()
    {
        if (!LocalRegistry.IsAvailable) Assert.Skip("docker-registry is not installed (apt-get install docker-registry)");
        using var registry = LocalRegistry.Start();
        var first = _harness.Run(new Dictionary<string, string> { ["source"] = HelloSample, ["destination"] = $"docker://{registry.Host}/apps/hello:1.0" });
        SkipWhenConvertHasNoRegistries(first);
        Assert.True(first.Succeeded, first.Log + registry.Log);
        Assert.Contains("**Registry cache**: 0 hit(s), 4 miss(es), 0 rejected", first.StepSummary);

        // Another runner: its own empty converted-layer cache, the cache read from another repository too.
        using var fresh = new ActionHarness(feed);
        var second = fresh.Run(new Dictionary<string, string>
        {
            ["source"] = HelloSample, ["destination"] = $"docker://{registry.Host}/apps/hello2:1.0", ["cache-from"] = $"{registry.Host}/apps/hello",
        });
        Assert.True(second.Succeeded, second.Log + registry.Log);
        Assert.Contains("**Registry cache**: 4 hit(s), 0 miss(es), 0 rejected", second.StepSummary);
        Assert.Contains($"recorded 4 new in `{registry.Host}/apps/hello2:chunkedbuild-cache`", second.StepSummary);
        Assert.Contains("| estargz | 1 |", second.StepSummary);
        Assert.Equal(first.Outputs["estargz-digest"], second.Outputs["estargz-digest"]);
        Assert.Contains("--cache-from " + registry.Host + "/apps/hello", fresh.CommandLines.Single(l => l.StartsWith("chunked convert", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, (await ManifestDigest(registry, "apps/hello2", "chunkedbuild-cache")).Status);
    }

    [Fact]
    public async Task Pushes_with_registry_username_and_password_and_the_password_stays_off_every_command_line()
    {
        if (!LocalRegistry.IsAvailable) Assert.Skip("docker-registry is not installed (apt-get install docker-registry)");
        if (!ProcessRunner.IsOnPath("htpasswd")) Assert.Skip("htpasswd is not installed (apt-get install apache2-utils)");
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var htpasswd = ProcessRunner.Run("htpasswd", ["-nbB", "ci", password]);
        Assert.Equal(0, htpasswd.ExitCode);
        var file = Path.Combine(_harness.Root, "htpasswd");
        File.WriteAllText(file, htpasswd.StdOut.Trim() + "\n");
        using var registry = LocalRegistry.Start(new LocalRegistryOptions { AuthYaml = $"  htpasswd:\n    realm: chunkedbuild-test\n    path: {file}\n" });

        var result = _harness.Run(new Dictionary<string, string>
        {
            ["source"] = HelloSample, ["destination"] = $"docker://{registry.Host}/apps/hello:1.0", ["registry-username"] = "ci", ["registry-password"] = password,
        });
        SkipWhenConvertHasNoRegistries(result);
        if (!result.Succeeded && result.Log.Contains("--password-stdin", StringComparison.Ordinal) && result.Log.Contains("Unrecognized", StringComparison.Ordinal))
            Assert.Skip("dotnet chunked convert does not take --username/--password-stdin in this build yet");

        Assert.True(result.Succeeded, result.Log + registry.Log);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ManifestDigest(registry, "apps/hello", "1.0")).Status);
        Assert.Equal((HttpStatusCode.OK, result.Outputs["digest"]), await ManifestDigest(registry, "apps/hello", "1.0", "ci:" + password));
        Assert.All(_harness.CommandLines, l => Assert.DoesNotContain(password, l));
        Assert.DoesNotContain(password, _harness.Environments);
        Assert.DoesNotContain(password, result.Log);
        Assert.DoesNotContain(password, registry.Log);
    }

    public void Dispose() => _harness.Dispose();
}
