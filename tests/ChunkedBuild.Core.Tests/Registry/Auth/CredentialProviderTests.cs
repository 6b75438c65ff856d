using System.Text;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Registry.Auth;
using Xunit;

namespace ChunkedBuild.Core.Tests.Registry.Auth;

/// <summary>Each credential provider against temporary config files, a fake credential helper and a dictionary environment.</summary>
public sealed class CredentialProviderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-creds-").FullName;
    private readonly Dictionary<string, string> _env = new();

    public CredentialProviderTests()
    {
        _env["HOME"] = Path.Combine(_root, "home");
        _env["PATH"] = Path.Combine(_root, "bin");
        Directory.CreateDirectory(_env["HOME"]);
        Directory.CreateDirectory(_env["PATH"]);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private string? Env(string name) => _env.GetValueOrDefault(name);

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private string WriteFile(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Fill(text));
        return path;
    }

    /// <summary>Writes <c>docker-credential-&lt;name&gt;</c> into the PATH folder: it logs the server URL it was asked for and answers from a table.</summary>
    private string WriteHelper(string name, string body)
    {
        var path = Path.Combine(_env["PATH"], "docker-credential-" + name);
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        if (OperatingSystem.IsWindows()) Assert.Skip("the fake credential helper is a shell script");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Replaces <c>b64(user:pass)</c> markers with the base64 of their text (docker's <c>auth</c> field).</summary>
    private static string Fill(string json) => System.Text.RegularExpressions.Regex.Replace(json, @"b64\(([^)]*)\)", m => B64(m.Groups[1].Value));

    private string AskedLog => Path.Combine(_root, "asked.log");

    private void WriteTestHelper() => WriteHelper("test", """
        [ "$1" = get ] || exit 3
        read -r url
        echo "$url" >> '@ASKED@'
        case "$url" in
          127.0.0.1:5000) echo '{"ServerURL":"127.0.0.1:5000","Username":"helper-user","Secret":"helper-pass"}' ;;
          https://index.docker.io/v1/) echo '{"ServerURL":"https://index.docker.io/v1/","Username":"hub","Secret":"hub-pass"}' ;;
          tok.example) echo '{"ServerURL":"tok.example","Username":"<token>","Secret":"refresh-123"}' ;;
          garbage.example) echo 'not json' ;;
          broken.example) echo '{"Username":"ci","Secret":"Hx7-helper-secret"}' ; echo 'keychain locked, was Hx7-helper-secret' >&2 ; exit 1 ;;
          *) echo 'credentials not found in native keychain' ; exit 1 ;;
        esac
        """.Replace("@ASKED@", AskedLog));

    // ---- static ----

    [Fact]
    public async Task Creds_option_splits_at_the_first_colon()
    {
        var p = StaticCredentialProvider.FromCredsOption("ci:pa:ss");
        var c = await p.GetAsync("any.example", forPush: true, TestContext.Current.CancellationToken);
        Assert.Equal(("ci", "pa:ss", "--creds"), (c!.Username, c.Password, c.Origin));

        var scoped = StaticCredentialProvider.FromCredsOption("ci:x", "only.example");
        Assert.Null(await scoped.GetAsync("other.example", false, TestContext.Current.CancellationToken));
        Assert.NotNull(await scoped.GetAsync("ONLY.example", false, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("no-colon-Xq9Zk")]
    [InlineData(":Xq9Zk")]
    [InlineData("Xq9Zk:")]
    public void Malformed_creds_option_is_coded_and_does_not_echo_the_value(string value)
    {
        var e = Assert.Throws<ChunkedBuildException>(() => StaticCredentialProvider.FromCredsOption(value));
        Assert.Equal(ErrorCodes.InvalidCredentialOption, e.Code);
        Assert.DoesNotContain("Xq9Zk", e.ToString());
    }

    [Fact]
    public async Task Password_stdin_drops_one_trailing_newline()
    {
        var c = await StaticCredentialProvider.FromPasswordStdin("ci", new StringReader("p w\r\n")).GetAsync("h", false, TestContext.Current.CancellationToken);
        Assert.Equal(("ci", "p w", "--username/--password-stdin"), (c!.Username, c.Password, c.Origin));
        Assert.Equal(ErrorCodes.InvalidCredentialOption,
            Assert.Throws<ChunkedBuildException>(() => StaticCredentialProvider.FromPasswordStdin("ci", new StringReader("\n"))).Code);
    }

    // ---- SDK environment variables ----

    [Fact]
    public async Task Sdk_variables_follow_the_sdk_order_for_push_and_pull()
    {
        var p = new SdkEnvironmentCredentialProvider(Env);
        var ct = TestContext.Current.CancellationToken;
        Assert.Null(await p.GetAsync("h", true, ct));

        _env["SDK_CONTAINER_REGISTRY_UNAME"] = "legacy";
        _env["SDK_CONTAINER_REGISTRY_PWORD"] = "l";
        Assert.Equal("legacy", (await p.GetAsync("h", true, ct))!.Username);
        Assert.Equal("legacy", (await p.GetAsync("h", false, ct))!.Username);

        _env["DOTNET_CONTAINER_REGISTRY_UNAME"] = "generic";
        _env["DOTNET_CONTAINER_REGISTRY_PWORD"] = "g";
        Assert.Equal("generic", (await p.GetAsync("h", true, ct))!.Username);
        Assert.Equal("generic", (await p.GetAsync("h", false, ct))!.Username);

        _env["DOTNET_CONTAINER_PUSH_REGISTRY_UNAME"] = "pusher";
        _env["DOTNET_CONTAINER_PUSH_REGISTRY_PWORD"] = "p";
        _env["DOTNET_CONTAINER_PULL_REGISTRY_UNAME"] = "puller";
        _env["DOTNET_CONTAINER_PULL_REGISTRY_PWORD"] = "q";
        var push = (await p.GetAsync("h", true, ct))!;
        var pull = (await p.GetAsync("h", false, ct))!;
        Assert.Equal(("pusher", "p"), (push.Username, push.Password));
        Assert.Equal(("puller", "q"), (pull.Username, pull.Password));
        Assert.Contains("DOTNET_CONTAINER_PUSH_REGISTRY_UNAME", push.Origin);

        _env["DOTNET_CONTAINER_PULL_REGISTRY_PWORD"] = ""; // half a pair does not count
        Assert.Equal("generic", (await p.GetAsync("h", false, ct))!.Username);
    }

    // ---- auth files ----

    [Fact]
    public void Candidate_files_follow_the_documented_order()
    {
        var p = new AuthFileCredentialProvider(Env);
        var home = _env["HOME"];
        Assert.Equal([Path.Combine(home, ".config/containers/auth.json"), Path.Combine(home, ".docker/config.json")], p.CandidateFiles());

        _env["XDG_RUNTIME_DIR"] = "/run/user/7";
        _env["XDG_CONFIG_HOME"] = "/cfg";
        _env["DOCKER_CONFIG"] = "/dcfg";
        Assert.Equal(["/run/user/7/containers/auth.json", "/cfg/containers/auth.json", "/dcfg/config.json"], p.CandidateFiles());

        _env["REGISTRY_AUTH_FILE"] = "/only.json";
        Assert.Equal(["/only.json"], p.CandidateFiles());
    }

    [Fact]
    public async Task Auths_entries_match_hosts_with_scheme_and_path_prefixes()
    {
        _env["DOCKER_CONFIG"] = Path.Combine(_root, "d");
        var file = WriteFile("d/config.json", """
            {"auths": {
              "https://127.0.0.1:5000/v1/": {"auth": "b64(old:one)"},
              "127.0.0.1:5000": {"auth": "b64(exact:two)"},
              "http://ghcr.io": {"auth": "b64(gh:pat:with:colons)"},
              "quay.io/some-org": {"auth": "b64(ns:scoped)"},
              "idt.example": {"auth": "b64(me:)", "identitytoken": "refresh-xyz"}
            }}
            """);
        var p = new AuthFileCredentialProvider(Env);
        var ct = TestContext.Current.CancellationToken;

        var exact = (await p.GetAsync("127.0.0.1:5000", false, ct))!;
        Assert.Equal(("exact", "two"), (exact.Username, exact.Password));
        Assert.Contains(file, exact.Origin);
        var gh = (await p.GetAsync("ghcr.io", false, ct))!;
        Assert.Equal(("gh", "pat:with:colons"), (gh.Username, gh.Password));
        Assert.Null(await p.GetAsync("quay.io", false, ct));
        var idt = (await p.GetAsync("idt.example", true, ct))!;
        Assert.Equal(("me", "refresh-xyz"), (idt.Username, idt.IdentityToken));
    }

    [Fact]
    public async Task Docker_hub_is_found_under_its_legacy_v1_key_first()
    {
        _env["DOCKER_CONFIG"] = Path.Combine(_root, "d");
        WriteFile("d/config.json", """
            {"auths": {"docker.io": {"auth": "b64(short:x)"}, "https://index.docker.io/v1/": {"auth": "b64(legacy:y)"}}}
            """);
        var c = (await new AuthFileCredentialProvider(Env).GetAsync("docker.io", false, TestContext.Current.CancellationToken))!;
        Assert.Equal("legacy", c.Username);

        WriteFile("d/config.json", """{"auths": {"https://registry-1.docker.io": {"auth": "b64(alt:z)"}}}""");
        Assert.Equal("alt", (await new AuthFileCredentialProvider(Env).GetAsync("docker.io", false, TestContext.Current.CancellationToken))!.Username);
    }

    [Fact]
    public async Task Files_are_searched_in_order_and_registry_auth_file_is_exclusive()
    {
        _env["XDG_RUNTIME_DIR"] = Path.Combine(_root, "run");
        _env["DOCKER_CONFIG"] = Path.Combine(_root, "d");
        WriteFile("run/containers/auth.json", """{"auths": {"a.example": {"auth": "b64(podman:1)"}}}""");
        WriteFile("home/.config/containers/auth.json", """{"auths": {"b.example": {"auth": "b64(config:2)"}}}""");
        WriteFile("d/config.json", """{"auths": {"a.example": {"auth": "b64(docker:3)"}, "c.example": {"auth": "b64(docker:4)"}}}""");
        var p = new AuthFileCredentialProvider(Env);
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal("podman", (await p.GetAsync("a.example", false, ct))!.Username);
        Assert.Equal("config", (await p.GetAsync("b.example", false, ct))!.Username);
        Assert.Equal("docker", (await p.GetAsync("c.example", false, ct))!.Username);
        Assert.Null(await p.GetAsync("z.example", false, ct));

        _env["REGISTRY_AUTH_FILE"] = WriteFile("only.json", """{"auths": {"c.example": {"auth": "b64(only:5)"}}}""");
        Assert.Equal("only", (await p.GetAsync("c.example", false, ct))!.Username);
        Assert.Null(await p.GetAsync("a.example", false, ct));
    }

    [Fact]
    public async Task Cred_helpers_then_creds_store_then_auths()
    {
        WriteTestHelper();
        _env["DOCKER_CONFIG"] = Path.Combine(_root, "d");
        WriteFile("d/config.json", """
            {"credHelpers": {"127.0.0.1:5000": "test", "tok.example": "test", "nf.example": "test"},
             "credsStore": "test",
             "auths": {"nf.example": {"auth": "b64(fromauths:x)"}, "127.0.0.1:5000": {"auth": "b64(shadowed:x)"}}}
            """);
        var p = new AuthFileCredentialProvider(Env);
        var ct = TestContext.Current.CancellationToken;

        var helper = (await p.GetAsync("127.0.0.1:5000", true, ct))!;
        Assert.Equal(("helper-user", "helper-pass"), (helper.Username, helper.Password));
        Assert.Contains("docker-credential-test", helper.Origin);
        Assert.Contains("credHelpers", helper.Origin);

        var token = (await p.GetAsync("tok.example", false, ct))!;
        Assert.Equal(("refresh-123", null), (token.IdentityToken, token.Username));

        var hub = (await p.GetAsync("docker.io", false, ct))!; // credsStore, asked with Docker Hub's server URL
        Assert.Equal("hub", hub.Username);
        Assert.Contains("credsStore", hub.Origin);

        // not found by the helper nor the store → auths
        Assert.Equal("fromauths", (await p.GetAsync("nf.example", false, ct))!.Username);

        Assert.Equal(["127.0.0.1:5000", "tok.example", "https://index.docker.io/v1/", "nf.example", "nf.example"], File.ReadAllLines(AskedLog));
    }

    [Fact]
    public async Task Helper_failures_are_coded_and_never_echo_the_helpers_output()
    {
        WriteTestHelper();
        _env["DOCKER_CONFIG"] = Path.Combine(_root, "d");
        WriteFile("d/config.json", """{"credHelpers": {"garbage.example": "test", "broken.example": "test", "missing.example": "absent"}}""");
        var p = new AuthFileCredentialProvider(Env);
        var ct = TestContext.Current.CancellationToken;

        var garbage = await Assert.ThrowsAsync<ChunkedBuildException>(async () => await p.GetAsync("garbage.example", false, ct));
        Assert.Equal(ErrorCodes.CredentialHelperFailed, garbage.Code);
        Assert.DoesNotContain("not json", garbage.Message);

        var broken = await Assert.ThrowsAsync<ChunkedBuildException>(async () => await p.GetAsync("broken.example", false, ct));
        Assert.Equal(ErrorCodes.CredentialHelperFailed, broken.Code);
        // A failing helper's stdout and stderr may hold the secret: the message names the helper and its exit code only.
        Assert.Contains("docker-credential-test", broken.Message);
        Assert.Contains("exited with code 1", broken.Message);
        Assert.DoesNotContain("Hx7-helper-secret", broken.ToString());
        Assert.DoesNotContain("keychain", broken.ToString());

        var missing = await Assert.ThrowsAsync<ChunkedBuildException>(async () => await p.GetAsync("missing.example", false, ct));
        Assert.Contains("docker-credential-absent", missing.Message);
        Assert.Contains("not on PATH", missing.Message);
    }

    [Fact]
    public async Task Malformed_auth_files_are_coded_and_name_the_file_only()
    {
        _env["REGISTRY_AUTH_FILE"] = WriteFile("bad.json", """{"auths": {"h": {"auth": "s3cr3t-value""" );
        var e = await Assert.ThrowsAsync<ChunkedBuildException>(async () => await new AuthFileCredentialProvider(Env).GetAsync("h", false, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.MalformedAuthFile, e.Code);
        Assert.Contains("bad.json", e.Message);
        Assert.DoesNotContain("s3cr3t", e.ToString());

        _env["REGISTRY_AUTH_FILE"] = WriteFile("bad2.json", """{"auths": {"h": {"auth": "%%%not-base64"}}}""");
        var e2 = await Assert.ThrowsAsync<ChunkedBuildException>(async () => await new AuthFileCredentialProvider(Env).GetAsync("h", false, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.MalformedAuthFile, e2.Code);
        Assert.DoesNotContain("%%%", e2.ToString());
    }

    // ---- composite ----

    [Fact]
    public async Task Default_order_is_flags_then_sdk_variables_then_auth_files()
    {
        _env["DOCKER_CONFIG"] = Path.Combine(_root, "d");
        WriteFile("d/config.json", """{"auths": {"h": {"auth": "b64(file:1)"}}}""");
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal("file", (await CompositeCredentialProvider.CreateDefault(Env).GetAsync("h", true, ct))!.Username);
        _env["DOTNET_CONTAINER_REGISTRY_UNAME"] = "env";
        _env["DOTNET_CONTAINER_REGISTRY_PWORD"] = "2";
        Assert.Equal("env", (await CompositeCredentialProvider.CreateDefault(Env).GetAsync("h", true, ct))!.Username);
        var withFlags = CompositeCredentialProvider.CreateDefault(Env, StaticCredentialProvider.FromCredsOption("flag:3"));
        Assert.Equal("flag", (await withFlags.GetAsync("h", true, ct))!.Username);
        Assert.Equal(3, withFlags.Providers.Count);
    }

    [Fact]
    public void Credential_to_string_hides_secrets()
    {
        var c = new RegistryCredential { Username = "u", Password = "pw-secret", IdentityToken = "it-secret", Origin = "o" };
        Assert.DoesNotContain("secret", c.ToString());
    }
}
