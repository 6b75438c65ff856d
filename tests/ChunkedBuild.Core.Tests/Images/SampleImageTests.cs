using System.Security.Cryptography;
using System.Text.Json;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Images;
using Xunit;

namespace ChunkedBuild.Core.Tests.Images;

/// <summary>The committed sample image (samples/images/hello) is an intact OCI layout that skopeo reads.</summary>
public sealed class SampleImageTests
{
    private static string Folder => Path.Combine(RepoPaths.Root, "samples", "images", "hello");

    [Fact]
    public void Every_blob_matches_its_name_and_the_manifest_lists_two_gzip_layers()
    {
        foreach (var blob in Directory.EnumerateFiles(Path.Combine(Folder, "blobs", "sha256")))
            Assert.Equal(Path.GetFileName(blob), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(blob))));
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "index.json")));
        var entry = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal("latest", entry.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());
        var digest = entry.GetProperty("digest").GetString()!;
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "blobs", "sha256", digest["sha256:".Length..])));
        var layers = manifest.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(2, layers.Count);
        Assert.All(layers, l => Assert.Equal(OciLayoutBuilder.GzipLayerMediaType, l.GetProperty("mediaType").GetString()));
        var total = Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(total < 2_000_000, $"the sample is {total} bytes");
    }

    [Fact]
    public void Skopeo_reads_it()
    {
        if (!Skopeo.IsAvailable) Assert.Skip("skopeo is not installed");
        using var info = Skopeo.Inspect($"oci:{Folder}:latest");
        Assert.Equal("amd64", info.RootElement.GetProperty("Architecture").GetString());
        Assert.Equal(2, info.RootElement.GetProperty("Layers").GetArrayLength());
    }
}
