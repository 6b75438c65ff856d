using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Testing.Corpus;

namespace ChunkedBuild.Testing.Oci;

/// <summary>A platform image to build: its platform and its layers (uncompressed tars, base first).</summary>
public sealed record TestPlatformImage(string Os, string Architecture, IReadOnlyList<byte[]> LayerTars);

/// <summary>
/// Writes small OCI images for tests, declaratively: layers from <see cref="TarSpec"/>s, gzip-compressed (fixed header, so digests are
/// stable), configs with diff_ids and history, manifests, a nested index for several platforms, as an OCI layout folder, an OCI
/// layout tar, or a docker archive in the .NET SDK's style.
/// </summary>
public static class TestImageLayout
{
    /// <summary>An uncompressed tar of <paramref name="spec"/> (System.Formats.Tar, PAX).</summary>
    public static byte[] Tar(TarSpec spec)
    {
        var path = Path.GetTempFileName();
        try
        {
            new DotNetTarProducer("pax").Build(spec, "", path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>gzip with a fixed header (mtime 0), as the SDK and most builders write layers.</summary>
    public static byte[] Gzip(byte[] data)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return buffer.ToArray();
    }

    /// <summary>A config JSON for <paramref name="os"/>/<paramref name="architecture"/> with the given diff_ids, an entrypoint and one history entry per layer.</summary>
    public static byte[] Config(string os, string architecture, IEnumerable<Digest> diffIds)
    {
        var ids = diffIds.ToList();
        var config = new JsonObject
        {
            ["architecture"] = architecture,
            ["os"] = os,
            ["config"] = new JsonObject { ["Entrypoint"] = new JsonArray("dotnet", "/app/hello.dll"), ["WorkingDir"] = "/app/" },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(ids.Select(d => (JsonNode)d.ToString()).ToArray()) },
            ["history"] = new JsonArray(ids.Select((_, i) => (JsonNode)new JsonObject { ["created_by"] = $"layer {i} (a+b)" }).ToArray()),
        };
        // The SDK escapes '+' as \u002B; keep that quirk so digests over raw bytes are exercised.
        return Encoding.UTF8.GetBytes(config.ToJsonString(new JsonSerializerOptions()));
    }

    /// <summary>Writes an OCI layout folder holding <paramref name="images"/>: one manifest, or a nested index for several; tagged <paramref name="tags"/>.</summary>
    /// <returns>The root descriptor.</returns>
    public static Descriptor WriteLayout(string folder, IReadOnlyList<TestPlatformImage> images, IReadOnlyList<string> tags, bool dockerMediaTypes = false)
    {
        Directory.CreateDirectory(Path.Combine(folder, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(folder, "oci-layout"), """{"imageLayoutVersion": "1.0.0"}""");
        var manifests = images.Select(i => WriteManifest(folder, i, dockerMediaTypes)).ToList();
        Descriptor root;
        if (manifests.Count == 1)
        {
            root = manifests[0] with { Platform = new Platform() };
        }
        else
        {
            var index = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
            {
                schemaVersion = 2,
                mediaType = MediaTypes.OciIndex,
                manifests = manifests.Select(m => new { mediaType = m.MediaType, size = m.Size, digest = m.Digest.ToString(), platform = new { architecture = m.Platform!.Architecture, os = m.Platform.Os } }),
            }));
            root = new Descriptor { MediaType = MediaTypes.OciIndex, Digest = WriteBlob(folder, index), Size = index.Length };
        }
        var entries = tags.Select(t => new Dictionary<string, object>
        {
            ["mediaType"] = root.MediaType, ["size"] = root.Size, ["digest"] = root.Digest.ToString(), ["platform"] = new { },
            ["annotations"] = new Dictionary<string, string> { ["io.containerd.image.name"] = "docker.io/library/hello:" + t, ["org.opencontainers.image.ref.name"] = t },
        });
        File.WriteAllText(Path.Combine(folder, "index.json"), JsonSerializer.Serialize(new { schemaVersion = 2, mediaType = MediaTypes.OciIndex, manifests = entries }));
        return root;
    }

    private static Descriptor WriteManifest(string folder, TestPlatformImage image, bool docker)
    {
        var layers = image.LayerTars.Select(tar =>
        {
            var gz = Gzip(tar);
            return new { mediaType = docker ? MediaTypes.DockerLayerGzip : MediaTypes.OciLayerGzip, size = (long)gz.Length, digest = WriteBlob(folder, gz).ToString() };
        }).ToList();
        var config = Config(image.Os, image.Architecture, image.LayerTars.Select(t => Digest.Sha256Of(t)));
        var configDigest = WriteBlob(folder, config);
        var manifest = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            schemaVersion = 2,
            mediaType = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest,
            config = new { mediaType = docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig, size = config.Length, digest = configDigest.ToString() },
            layers,
        }));
        return new Descriptor
        {
            MediaType = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest, Digest = WriteBlob(folder, manifest), Size = manifest.Length,
            Platform = new Platform { Os = image.Os, Architecture = image.Architecture },
        };
    }

    /// <summary>Writes a blob into a layout folder and returns its digest.</summary>
    public static Digest WriteBlob(string folder, byte[] bytes)
    {
        var digest = Digest.Sha256Of(bytes);
        File.WriteAllBytes(Path.Combine(folder, "blobs", "sha256", digest.Hex), bytes);
        return digest;
    }

    /// <summary>Packs a layout folder into a tar as the SDK does: files only (no directory entries), blobs first.</summary>
    public static void PackLayout(string folder, string tarPath)
    {
        using var file = File.Create(tarPath);
        using var writer = new TarWriter(file, TarEntryFormat.Pax);
        foreach (var blob in Directory.GetFiles(Path.Combine(folder, "blobs", "sha256")).Order(StringComparer.Ordinal))
            writer.WriteEntry(blob, "blobs/sha256/" + Path.GetFileName(blob));
        writer.WriteEntry(Path.Combine(folder, "index.json"), "index.json");
        writer.WriteEntry(Path.Combine(folder, "oci-layout"), "oci-layout");
    }

    /// <summary>Writes a docker archive in the .NET SDK's style: <c>&lt;hex&gt;/layer.tar</c> holding gzip data, <c>&lt;hex&gt;.json</c>, <c>manifest.json</c>.</summary>
    public static void WriteDockerArchive(string tarPath, TestPlatformImage image, IReadOnlyList<string> repoTags, bool gzipLayers = true)
    {
        using var file = File.Create(tarPath);
        using var writer = new TarWriter(file, TarEntryFormat.Pax);
        var layerNames = new List<string>();
        foreach (var tar in image.LayerTars)
        {
            var bytes = gzipLayers ? Gzip(tar) : tar;
            var name = $"{Digest.Sha256Of(bytes).Hex}/layer.tar";
            layerNames.Add(name);
            Add(writer, name, bytes);
        }
        var config = Config(image.Os, image.Architecture, image.LayerTars.Select(t => Digest.Sha256Of(t)));
        var configName = Digest.Sha256Of(config).Hex + ".json";
        Add(writer, configName, config);
        Add(writer, "manifest.json", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[] { new { Config = configName, RepoTags = repoTags, Layers = layerNames } })));
    }

    private static void Add(TarWriter writer, string name, byte[] bytes) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes), Mode = (UnixFileMode)0x1A4 });

    /// <summary>A base layer and an app layer with files big enough to chunk, plus links; distinct per <paramref name="seed"/>.</summary>
    public static IReadOnlyList<byte[]> SampleLayers(int seed) =>
    [
        Tar(TarSpec.Of(
            TarSpec.Dir("etc/"), TarSpec.File("etc/os-release", "ID=test\n"),
            TarSpec.Dir("usr/"), TarSpec.Dir("usr/lib/"), TarSpec.File("usr/lib/libbig.so", TarContent.Random(1, 3 << 20)),
            TarSpec.Symlink("usr/lib/libbig.so.1", "libbig.so"), TarSpec.EmptyFile("usr/lib/empty"))),
        Tar(TarSpec.Of(
            TarSpec.Dir("app/"), TarSpec.File("app/hello.dll", TarContent.Random(seed, 300_000)), TarSpec.File("app/hello.runtimeconfig.json", "{}"),
            TarSpec.File("app/zeros.bin", TarContent.Zeros(200_000)), TarSpec.HardLink("app/hello-link.dll", "app/hello.dll"))),
    ];
}
