using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ChunkedBuild.Testing.Images;

/// <summary>A content descriptor as written into a manifest or index (digest <c>sha256:&lt;hex&gt;</c>).</summary>
/// <param name="MediaType">The media type.</param>
/// <param name="Digest">The digest of the exact bytes.</param>
/// <param name="Size">The byte count.</param>
public sealed record BlobRef(string MediaType, string Digest, long Size);

/// <summary>
/// Writes a minimal OCI image layout folder (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/…</c>) with JSON
/// written field by field, independent of the product's OCI code so fixtures do not test the code with itself.
/// </summary>
public sealed class OciLayoutBuilder
{
    /// <summary>OCI image manifest media type.</summary>
    public const string ManifestMediaType = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>OCI image index media type.</summary>
    public const string IndexMediaType = "application/vnd.oci.image.index.v1+json";

    /// <summary>OCI image config media type.</summary>
    public const string ConfigMediaType = "application/vnd.oci.image.config.v1+json";

    /// <summary>OCI gzip layer media type.</summary>
    public const string GzipLayerMediaType = "application/vnd.oci.image.layer.v1.tar+gzip";

    /// <summary>Creates the folder (and its <c>oci-layout</c> file).</summary>
    public OciLayoutBuilder(string folder)
    {
        Folder = folder;
        Directory.CreateDirectory(Path.Combine(folder, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(folder, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
    }

    /// <summary>The layout folder.</summary>
    public string Folder { get; }

    /// <summary>Stores <paramref name="bytes"/> as a blob (idempotent) and returns its descriptor.</summary>
    public BlobRef AddBlob(string mediaType, byte[] bytes)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        var path = Path.Combine(Folder, "blobs", "sha256", digest["sha256:".Length..]);
        if (!File.Exists(path)) File.WriteAllBytes(path, bytes);
        return new BlobRef(mediaType, digest, bytes.LongLength);
    }

    /// <summary>Stores an image manifest referencing <paramref name="config"/> and <paramref name="layers"/>.</summary>
    public BlobRef AddManifest(BlobRef config, IReadOnlyList<BlobRef> layers) =>
        AddBlob(ManifestMediaType, Json(w =>
        {
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", ManifestMediaType);
            w.WritePropertyName("config");
            WriteDescriptor(w, config, null, null);
            w.WriteStartArray("layers");
            foreach (var layer in layers) WriteDescriptor(w, layer, null, null);
            w.WriteEndArray();
        }));

    /// <summary>Stores an image index blob listing <paramref name="manifests"/> with their platforms.</summary>
    public BlobRef AddIndex(IReadOnlyList<(BlobRef Manifest, TestPlatform Platform)> manifests) =>
        AddBlob(IndexMediaType, IndexJson(manifests.Select(m => (m.Manifest, (TestPlatform?)m.Platform, (string?)null))));

    /// <summary>Writes <c>index.json</c> with one entry pointing at <paramref name="root"/>, tagged <paramref name="tag"/>.</summary>
    public void WriteIndexJson(BlobRef root, string tag) =>
        File.WriteAllBytes(Path.Combine(Folder, "index.json"), IndexJson([(root, null, tag)]));

    private static byte[] IndexJson(IEnumerable<(BlobRef Blob, TestPlatform? Platform, string? Tag)> entries) =>
        Json(w =>
        {
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", IndexMediaType);
            w.WriteStartArray("manifests");
            foreach (var (blob, platform, tag) in entries) WriteDescriptor(w, blob, platform, tag);
            w.WriteEndArray();
        });

    private static void WriteDescriptor(Utf8JsonWriter w, BlobRef blob, TestPlatform? platform, string? tag)
    {
        w.WriteStartObject();
        w.WriteString("mediaType", blob.MediaType);
        w.WriteString("digest", blob.Digest);
        w.WriteNumber("size", blob.Size);
        if (platform is not null)
        {
            w.WriteStartObject("platform");
            w.WriteString("architecture", platform.Architecture);
            w.WriteString("os", "linux");
            if (platform.Variant is { } variant) w.WriteString("variant", variant);
            w.WriteEndObject();
        }
        if (tag is not null)
        {
            w.WriteStartObject("annotations");
            w.WriteString("org.opencontainers.image.ref.name", tag);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>
    /// Writes an image config's <c>rootfs</c> (the layers' diff IDs, base first) and <c>history</c> (one entry per layer, its
    /// <c>created_by</c> from <paramref name="createdBy"/>).
    /// </summary>
    internal static void WriteRootFsAndHistory(Utf8JsonWriter w, IReadOnlyList<TestLayer> layers, Func<int, string> createdBy)
    {
        w.WriteStartObject("rootfs");
        w.WriteString("type", "layers");
        w.WriteStartArray("diff_ids");
        foreach (var layer in layers) w.WriteStringValue(layer.DiffId);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("history");
        for (var i = 0; i < layers.Count; i++)
        {
            w.WriteStartObject();
            w.WriteString("created_by", createdBy(i));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Compact JSON of one object whose members <paramref name="body"/> writes.</summary>
    internal static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps '+' in media types literal, as registries and containers/image write them.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
