using System.Text;
using System.Text.Json;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Registry;
using Xunit;

namespace ChunkedBuild.Tool.Tests;

/// <summary><c>push</c> against Debian's docker-registry: the digest on stdout, a JSON result, and a second push that sends nothing.</summary>
public sealed class PushCommandTests : ToolTestBase
{
    private Descriptor WriteLayout(string path)
    {
        var layer = Encoding.UTF8.GetBytes(new string('x', 5000));
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.Sha256Of(layer) + "\"]}}");
        var manifest = OciDocument<Manifest>.Create(new Manifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Sha256Of(config), Size = config.Length },
            Layers = [new Descriptor { MediaType = MediaTypes.OciLayerTar, Digest = Digest.Sha256Of(layer), Size = layer.Length }],
        });
        var root = manifest.Describe(MediaTypes.OciManifest);
        using var writer = new OciLayoutWriter(path);
        writer.WriteBlob(layer);
        writer.WriteBlob(config);
        writer.WriteBlob(manifest.Raw.Span);
        writer.AddToIndex(root, "1.0");
        writer.Commit(TestContext.Current.CancellationToken);
        return root;
    }

    [Fact]
    public void Pushes_prints_the_digest_and_skips_everything_the_second_time()
    {
        Assert.SkipUnless(LocalRegistry.IsAvailable, "docker-registry is not installed");
        using var registry = LocalRegistry.Start();
        var root = WriteLayout(PathOf("layout"));

        var first = ToolProcess.Run("push", $"oci:{PathOf("layout")}:1.0", $"docker://{registry.Host}/cli/app:1.0");
        Assert.True(first.ExitCode == 0, first.StdErr + registry.Log);
        Assert.Equal(root.Digest.ToString(), first.StdOut.Trim());

        var second = ToolProcess.Run("push", PathOf("layout"), $"docker://{registry.Host}/cli/app:again", "--json", "--creds", "u:p");
        Assert.True(second.ExitCode == 0, second.StdErr);
        using var json = JsonDocument.Parse(second.StdOut);
        Assert.Equal(root.Digest.ToString(), json.RootElement.GetProperty("digest").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("bytesUploaded").GetInt64());
        Assert.Equal(2, json.RootElement.GetProperty("blobsSkipped").GetInt64());

        if (ProcessRunner.IsOnPath("skopeo"))
        {
            var raw = ProcessRunner.Run("skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{registry.Host}/cli/app:again"]);
            Assert.Equal(root.Digest, Digest.Sha256Of(Encoding.UTF8.GetBytes(raw.StdOut)));
        }
    }

    [Fact]
    public void Refuses_a_malformed_destination_with_a_coded_error()
    {
        WriteLayout(PathOf("layout"));
        var result = ToolProcess.Run("push", PathOf("layout"), "docker://127.0.0.1:1/Bad/Name");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("CHB4001", result.StdErr);
    }

    [Fact]
    public void An_unreachable_registry_is_a_coded_error()
    {
        WriteLayout(PathOf("layout"));
        // Port 1 on loopback: nothing listens; the retries give up quickly (connection refused is immediate).
        var result = ToolProcess.Run("push", PathOf("layout"), "docker://127.0.0.1:1/app:1");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("CHB4003", result.StdErr);
    }
}
