using System.Text.Json;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary>
/// The README's path end to end, as users run it: archives from <c>dotnet publish -t:PublishContainer</c> (OCI, Docker, multi-RID)
/// through <c>dotnet chunked convert</c>, then <c>dotnet chunked verify</c>, skopeo and the oracle on the output.
/// </summary>
public sealed class SdkArchiveCliTests(PublishedImages images) : ToolTestBase
{
    public static TheoryData<string> Modes() => ["oci", "docker", "multi-rid"];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Convert_then_verify_pass_on_every_sdk_archive(string mode)
    {
        var archive = mode switch
        {
            "oci" => await images.OciArchiveAsync(),
            "docker" => await images.DockerArchiveAsync(),
            _ => await images.MultiRidArchiveAsync(),
        };
        var output = PathOf("out.tar");
        var convert = ToolProcess.Run("convert", archive.ArchivePath, $"oci-archive:{output}:t", "--no-cache", "--json");
        Assert.True(convert.ExitCode == 0, convert.StdErr);
        var digest = JsonDocument.Parse(convert.StdOut).RootElement.GetProperty("digest").GetString();

        var verify = ToolProcess.Run("verify", $"oci-archive:{output}:t", "--json");
        Assert.True(verify.ExitCode == 0, verify.StdOut + verify.StdErr);
        Assert.True(JsonDocument.Parse(verify.StdOut).RootElement.GetProperty("ok").GetBoolean());

        using var raw = Skopeo.Inspect($"oci-archive:{output}:t", raw: true);
        Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(raw.RootElement.GetRawText()))));
        Assert.All(ConvertedImageVerifier.Verify(output, "t"), l => Assert.NotEqual("plain", l.Kind));
    }
}
