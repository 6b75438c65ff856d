using System.Text.Json;

namespace ChunkedBuild.Testing.Images;

/// <summary>Sizes of the test base images' generated files.</summary>
public sealed record TestBaseImageOptions
{
    /// <summary>Incompressible bytes in <c>/usr/lib/testbase/bulk.bin</c> (default 2.5 MiB: several chunks per layer).</summary>
    public int BulkBytes { get; init; } = 2_621_440;

    /// <summary>Compressible text bytes in <c>/usr/share/testbase/words.txt</c> (default 256 KiB).</summary>
    public int TextBytes { get; init; } = 262_144;
}

/// <summary>An OCI image layout folder holding one test base image under the tag <see cref="Tag"/>.</summary>
/// <param name="Folder">The layout folder.</param>
/// <param name="Tag">The <c>org.opencontainers.image.ref.name</c> of its one <c>index.json</c> entry.</param>
/// <param name="Root">The descriptor that entry holds: an image manifest or (multi-arch) an image index.</param>
public sealed record TestBaseLayout(string Folder, string Tag, BlobRef Root)
{
    /// <summary>The skopeo reference <c>oci:&lt;folder&gt;:&lt;tag&gt;</c>.</summary>
    public string SkopeoReference => $"oci:{Folder}:{Tag}";
}

/// <summary>The test base images as pushed to a registry.</summary>
/// <param name="RegistryHost"><c>127.0.0.1:port</c>.</param>
public sealed record PushedBaseImages(string RegistryHost)
{
    /// <summary>linux/amd64, OCI manifest, two layers: <c>&lt;host&gt;/base:1</c>.</summary>
    public string Oci => $"{RegistryHost}/base:1";

    /// <summary>The same image as a Docker schema 2 manifest (same layer digests): <c>&lt;host&gt;/base-docker:1</c>.</summary>
    public string Docker => $"{RegistryHost}/base-docker:1";

    /// <summary>OCI index of linux/amd64 and linux/arm64/v8 (the data layer shared): <c>&lt;host&gt;/basemulti:1</c>.</summary>
    public string Multi => $"{RegistryHost}/basemulti:1";

    /// <summary>linux/amd64 with a .NET runtime layer built from this machine's runtime: <c>&lt;host&gt;/dotnet-base:1</c>. Pushed lazily, on its own
    /// (<see cref="PublishedImages.DotnetBaseImageAsync"/>), not by <see cref="TestBaseImages.Push"/>.</summary>
    public string Dotnet => $"{RegistryHost}/{DotnetBaseImage.Reference}";
}

/// <summary>
/// Deterministic base images for end-to-end tests, built from <see cref="TestLayers"/>: a single-arch linux/amd64 image
/// (system + data layer) and a two-platform index (amd64, arm64/v8; the data layer is the same blob in both).
/// The config has no <c>created</c> time, so the same options give the same digests.
/// </summary>
public static class TestBaseImages
{
    /// <summary>The tag of both layouts.</summary>
    public const string Tag = "1";

    /// <summary>Writes the single-arch linux/amd64 image into a new OCI layout folder <paramref name="folder"/>.</summary>
    public static TestBaseLayout BuildSingleArch(string folder, TestBaseImageOptions? options = null)
    {
        options ??= new TestBaseImageOptions();
        var layout = new OciLayoutBuilder(folder);
        var manifest = AddImage(layout, TestPlatform.Amd64, TestLayers.Data(options.BulkBytes, options.TextBytes));
        layout.WriteIndexJson(manifest, Tag);
        return new TestBaseLayout(folder, Tag, manifest);
    }

    /// <summary>Writes the linux/amd64 + linux/arm64/v8 index into a new OCI layout folder <paramref name="folder"/>.</summary>
    public static TestBaseLayout BuildMultiArch(string folder, TestBaseImageOptions? options = null)
    {
        options ??= new TestBaseImageOptions();
        var layout = new OciLayoutBuilder(folder);
        var data = TestLayers.Data(options.BulkBytes, options.TextBytes);
        var index = layout.AddIndex(
        [
            (AddImage(layout, TestPlatform.Amd64, data), TestPlatform.Amd64),
            (AddImage(layout, TestPlatform.Arm64, data), TestPlatform.Arm64),
        ]);
        layout.WriteIndexJson(index, Tag);
        return new TestBaseLayout(folder, Tag, index);
    }

    /// <summary>
    /// Builds both layouts under <paramref name="workFolder"/> and pushes them with skopeo to <paramref name="registryHost"/>
    /// as <c>base:1</c> (OCI), <c>base-docker:1</c> (<c>--format v2s2</c>) and <c>basemulti:1</c> (<c>--all</c>).
    /// </summary>
    public static PushedBaseImages Push(string registryHost, string workFolder, TestBaseImageOptions? options = null)
    {
        var single = BuildSingleArch(Path.Combine(workFolder, "base-oci"), options);
        var multi = BuildMultiArch(Path.Combine(workFolder, "basemulti-oci"), options);
        var pushed = new PushedBaseImages(registryHost);
        Skopeo.Copy(single.SkopeoReference, "docker://" + pushed.Oci);
        Skopeo.Copy(single.SkopeoReference, "docker://" + pushed.Docker, new SkopeoCopyOptions { Format = "v2s2" });
        Skopeo.Copy(multi.SkopeoReference, "docker://" + pushed.Multi, new SkopeoCopyOptions { All = true });
        return pushed;
    }

    private static BlobRef AddImage(OciLayoutBuilder layout, TestPlatform platform, TestLayer data)
    {
        var system = TestLayers.System(platform);
        var layers = new[] { system, data };
        var config = layout.AddBlob(OciLayoutBuilder.ConfigMediaType, OciLayoutBuilder.Json(w =>
        {
            w.WriteString("architecture", platform.Architecture);
            w.WriteString("os", "linux");
            if (platform.Variant is { } variant) w.WriteString("variant", variant);
            w.WriteStartObject("config");
            w.WriteStartArray("Env");
            w.WriteStringValue("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            w.WriteEndArray();
            w.WriteStartArray("Cmd");
            w.WriteStringValue("/usr/bin/hello");
            w.WriteEndArray();
            w.WriteEndObject();
            string[] steps = ["system files", "data files"];
            OciLayoutBuilder.WriteRootFsAndHistory(w, layers, i => "ChunkedBuild.Testing.Images.TestLayers: " + steps[i]);
        }));
        var blobs = layers.Select(l => layout.AddBlob(OciLayoutBuilder.GzipLayerMediaType, l.Gzip)).ToList();
        return layout.AddManifest(config, blobs);
    }

    /// <summary>Parses the JSON blob <paramref name="blob"/> of the layout <paramref name="folder"/>.</summary>
    public static JsonDocument ReadBlob(string folder, BlobRef blob) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "blobs", "sha256", blob.Digest["sha256:".Length..])));
}
