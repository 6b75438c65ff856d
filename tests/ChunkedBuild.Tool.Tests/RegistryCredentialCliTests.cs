using System.Text.Json;
using ChunkedBuild.Testing.Http;
using ChunkedBuild.Testing.Oci;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary>
/// Registry credentials and deadlines as a user meets them: Debian's docker-registry with htpasswd (nothing allowed anonymously),
/// credentials from the flags or the .NET SDK's variables only (auth files are pointed at a file that does not exist), and
/// in-process servers on 127.0.0.1 for the failures.
/// </summary>
public sealed class RegistryCredentialCliTests : ToolTestBase
{
    private const string Password = "Reg-pw-7Qx";

    private Dictionary<string, string> Isolated(params (string Name, string Value)[] variables)
    {
        var environment = new Dictionary<string, string> { ["REGISTRY_AUTH_FILE"] = PathOf("no-auth-file.json") };
        foreach (var (name, value) in variables) environment[name] = value;
        return environment;
    }

    private LocalRegistry StartAuthOnlyRegistry()
    {
        Assert.SkipUnless(LocalRegistry.IsAvailable, "docker-registry is not installed");
        Assert.SkipUnless(Htpasswd.IsAvailable, "htpasswd is not installed (apt-get install apache2-utils)");
        return LocalRegistry.Start(new LocalRegistryOptions { AuthYaml = Htpasswd.AuthYaml(Htpasswd.Write(Folder.FullName, "ci", Password)) });
    }

    private string Layout()
    {
        var folder = PathOf("src");
        TestImageLayout.WriteLayout(folder, [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(2))], ["1.0"]);
        return folder;
    }

    [Fact]
    public void Push_uses_the_sdk_push_variables_for_every_request_of_an_auth_only_registry()
    {
        using var registry = StartAuthOnlyRegistry();
        var pushOnly = Isolated(("DOTNET_CONTAINER_PUSH_REGISTRY_UNAME", "ci"), ("DOTNET_CONTAINER_PUSH_REGISTRY_PWORD", Password));

        var push = ToolProcess.RunWith(pushOnly, "push", $"oci:{Layout()}:1.0", $"docker://{registry.Host}/env/app:1.0", "--json");

        Assert.True(push.ExitCode == 0, push.StdErr + registry.Log);
        using var json = JsonDocument.Parse(push.StdOut);
        Assert.True(json.RootElement.GetProperty("blobsUploaded").GetInt64() > 0);
        Assert.DoesNotContain(Password, push.StdErr + push.StdOut);

        // Read back with the pull variables: the image is there.
        var pull = Isolated(("DOTNET_CONTAINER_PULL_REGISTRY_UNAME", "ci"), ("DOTNET_CONTAINER_PULL_REGISTRY_PWORD", Password));
        var inspect = ToolProcess.RunWith(pull, "inspect", $"docker://{registry.Host}/env/app:1.0", "--json", "--no-entries");
        Assert.True(inspect.ExitCode == 0, inspect.StdErr);
    }

    [Fact]
    public void Convert_from_a_registry_into_a_layout_reads_the_source_with_the_creds_flag()
    {
        using var registry = StartAuthOnlyRegistry();
        var push = ToolProcess.RunWith(Isolated(), "push", $"oci:{Layout()}:1.0", $"docker://{registry.Host}/flags/app:1.0", "--creds", "ci:" + Password);
        Assert.True(push.ExitCode == 0, push.StdErr);

        // The command writes no registry, so the flags are for the registry it reads from.
        var convert = ToolProcess.RunWith(Isolated(), "convert", $"docker://{registry.Host}/flags/app:1.0", "oci:" + PathOf("out"),
            "--creds", "ci:" + Password, "--no-cache", "-q");

        Assert.True(convert.ExitCode == 0, convert.StdErr);
        ConvertedImageVerifier.Verify(PathOf("out"), "1.0");
        Assert.DoesNotContain(Password, convert.StdErr + convert.StdOut);
    }

    [Theory]
    [InlineData("convert", "docker://ci:{0}@127.0.0.1:1/app:1", "oci:{1}")]
    [InlineData("push", "{1}", "docker://ci:{0}@127.0.0.1:1/app:1")]
    [InlineData("inspect", "docker://ci:{0}@127.0.0.1:1/app:1", null)]
    public void A_reference_with_credentials_is_refused_with_CHB4001_and_never_echoed(string command, string first, string? second)
    {
        var layout = Layout();
        string[] args = second is null
            ? [command, string.Format(first, Password, layout)]
            : [command, string.Format(first, Password, layout), string.Format(second, Password, layout)];

        var result = ToolProcess.RunWith(Isolated(), args);

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("error CHB4001", result.StdErr);
        Assert.Contains("<redacted>@127.0.0.1:1/app:1", result.StdErr);
        Assert.DoesNotContain(Password, result.StdErr + result.StdOut);
    }

    [Fact]
    public void A_registry_that_never_answers_fails_with_CHB4003_naming_the_url_and_the_limit()
    {
        using var silent = new LoopbackHttpServer((_, _, ct) => Task.Delay(Timeout.Infinite, ct));

        var result = ToolProcess.RunWith(Isolated(), "inspect", $"docker://{silent.Host}/app:1", "--timeout", "1");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("error CHB4003", result.StdErr);
        Assert.Contains($"http://{silent.Host}/v2/app/manifests/1", result.StdErr);
        Assert.Contains("within 1 s (the request timeout)", result.StdErr);
    }
}
