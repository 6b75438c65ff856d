using System.Text;
using System.Text.Json;
using ChunkedBuild.Core.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Oci;

public class OciDocumentTests
{
    private const string LayerHex = "6a2f9f80ca167fae71bba455015de0996faa986d592e6426b30fd58421eb5e16";

    // What the .NET SDK writes: '+' escaped as \u002B, an empty platform object, fields in its own order.
    private static readonly string SdkIndex =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1\\u002Bjson\",\"manifests\":[{\"mediaType\":"
        + "\"application/vnd.oci.image.manifest.v1\\u002Bjson\",\"digest\":\"sha256:" + LayerHex
        + "\",\"size\":512,\"platform\":{},\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"}}]}";

    [Fact]
    public void Reads_sdk_quirks_and_digests_the_raw_bytes()
    {
        var raw = Encoding.UTF8.GetBytes(SdkIndex);
        var doc = OciDocument<ImageIndex>.Parse(raw);
        Assert.Equal(MediaTypes.OciIndex, doc.Value.MediaType);
        var entry = Assert.Single(doc.Value.Manifests);
        Assert.Equal(MediaTypes.OciManifest, entry.MediaType);
        Assert.NotNull(entry.Platform);
        Assert.Equal("unknown", entry.Platform.ToString());
        Assert.Equal("1.0", entry.Annotation("org.opencontainers.image.ref.name"));
        Assert.Equal(Digest.Sha256Of(raw), doc.Digest);
        // A re-serialization is a different document (unescaped '+'), so it must not be mistaken for the original.
        Assert.NotEqual(doc.Digest, OciDocument<ImageIndex>.Create(doc.Value).Digest);
        Assert.DoesNotContain("\\u002B", Encoding.UTF8.GetString(OciDocument<ImageIndex>.Create(doc.Value).Raw.Span));
    }

    [Fact]
    public void Unknown_fields_survive_a_rewrite()
    {
        var json = $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","vendor":{"x":[1,2]},
             "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:{{LayerHex}}","size":10,"future":"kept"},
             "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"sha256:{{LayerHex}}","size":20}]}
            """;
        var manifest = OciDocument<Manifest>.Parse(Encoding.UTF8.GetBytes(json)).Value;
        Assert.True(MediaTypes.IsManifest(manifest.MediaType));
        Assert.True(MediaTypes.IsLayer(manifest.Layers[0].MediaType));
        var rewritten = manifest with { MediaType = MediaTypes.OciManifest };
        using var back = JsonDocument.Parse(OciJson.Serialize(rewritten));
        Assert.Equal("[1,2]", back.RootElement.GetProperty("vendor").GetProperty("x").GetRawText());
        Assert.Equal("kept", back.RootElement.GetProperty("config").GetProperty("future").GetString());
        Assert.False(back.RootElement.GetProperty("layers")[0].TryGetProperty("annotations", out _)); // nulls are omitted
    }

    [Fact]
    public void Bad_digests_are_json_errors()
    {
        var json = """{"schemaVersion":2,"manifests":[{"mediaType":"m","digest":"sha256:XYZ","size":1}]}""";
        Assert.Throws<JsonException>(() => OciDocument<ImageIndex>.Parse(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Config_rewrites_diff_ids_and_keeps_everything_else()
    {
        var json = $$"""
            {"architecture":"amd64","os":"linux","config":{"Entrypoint":["dotnet","/app/app.dll"],"WorkingDir":"/app/"},
             "rootfs":{"type":"layers","diff_ids":["sha256:{{LayerHex}}"]},"history":[{"created_by":"x"}],"unknown":true}
            """;
        var config = ImageConfig.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal("linux/amd64", config.Platform.ToString());
        Assert.Equal(["dotnet", "/app/app.dll"], config.Entrypoint);
        Assert.Equal("/app/", config.WorkingDir);
        Assert.Empty(config.Cmd);
        Assert.Equal(LayerHex, Assert.Single(config.DiffIds).Hex);

        var updated = config.WithDiffIds([Digest.EmptySha256, Digest.Sha256Of("x"u8)]);
        Assert.Equal([Digest.EmptySha256, Digest.Sha256Of("x"u8)], updated.DiffIds);
        Assert.Equal(LayerHex, Assert.Single(config.DiffIds).Hex); // the original is untouched
        using var back = JsonDocument.Parse(updated.ToJson());
        Assert.True(back.RootElement.GetProperty("unknown").GetBoolean());
        Assert.Equal("x", back.RootElement.GetProperty("history")[0].GetProperty("created_by").GetString());
        Assert.Equal("layers", back.RootElement.GetProperty("rootfs").GetProperty("type").GetString());
    }
}
