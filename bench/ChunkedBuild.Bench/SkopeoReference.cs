using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ChunkedBuild.Bench;

/// <summary>
/// A newest skopeo's zstd:chunked writer (containers/storage's, level 3) as a reference, when one is named with
/// <c>--skopeo PATH</c> or <c>CHUNKEDBUILD_SKOPEO</c> (Debian's 1.9 is too old to be the bar; build a newest one from
/// skopeo's source). The tar is the only layer of an OCI layout, uncompressed, so skopeo only compresses;
/// <c>skopeo copy --dest-compress-format zstd:chunked --dest-compress-level 3 oci:… oci:…</c> is timed wall to wall,
/// and the row's size is the written layer blob.
/// </summary>
internal static class SkopeoReference
{
    /// <summary>The environment variable that names the skopeo binary when <c>--skopeo</c> is not given.</summary>
    public const string Variable = "CHUNKEDBUILD_SKOPEO";

    /// <summary>The writer row: n/a when no skopeo is named.</summary>
    public static BenchWriter Writer(string? skopeo, string tar, string folder)
    {
        skopeo ??= Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } env ? env : null;
        if (skopeo is null || !File.Exists(skopeo))
            return BenchWriter.Reference(Names.Skopeo, null, $"no newest skopeo named (--skopeo PATH or {Variable})", (_, _) => []);
        var layout = Path.Combine(folder, "skopeo-source");
        WriteLayout(layout, tar);
        return BenchWriter.Reference(Names.Skopeo, skopeo, null,
            (_, output) => ["copy", "--insecure-policy", "-q", "--dest-compress-format", "zstd:chunked", "--dest-compress-level", "3", $"oci:{layout}:bench", $"oci:{output}:bench"])
            with { OutputFiles = output => [LargestBlob(output)] };
    }

    /// <summary>An OCI layout whose image has <paramref name="tar"/> as its only, uncompressed layer.</summary>
    private static void WriteLayout(string folder, string tar)
    {
        var blobs = Path.Combine(folder, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        File.WriteAllText(Path.Combine(folder, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        string layerDigest;
        using (var stream = File.OpenRead(tar)) layerDigest = Convert.ToHexStringLower(SHA256.HashData(stream));
        File.Copy(tar, Path.Combine(blobs, layerDigest));
        var config = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            architecture = "amd64", os = "linux",
            rootfs = new { type = "layers", diff_ids = new[] { $"sha256:{layerDigest}" } },
        }));
        var manifest = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            schemaVersion = 2, mediaType = "application/vnd.oci.image.manifest.v1+json",
            config = new { mediaType = "application/vnd.oci.image.config.v1+json", size = config.Length, digest = Write(blobs, config) },
            layers = new[] { new { mediaType = "application/vnd.oci.image.layer.v1.tar", size = new FileInfo(tar).Length, digest = $"sha256:{layerDigest}" } },
        }));
        var manifestDigest = Write(blobs, manifest);
        File.WriteAllText(Path.Combine(folder, "index.json"), JsonSerializer.Serialize(new
        {
            schemaVersion = 2,
            manifests = new[]
            {
                new { mediaType = "application/vnd.oci.image.manifest.v1+json", size = manifest.Length, digest = manifestDigest,
                    annotations = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = "bench" } },
            },
        }));
    }

    private static string Write(string blobs, byte[] bytes)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));
        File.WriteAllBytes(Path.Combine(blobs, hex), bytes);
        return $"sha256:{hex}";
    }

    /// <summary>The converted layer: the largest blob of the written layout.</summary>
    private static string LargestBlob(string layout)
    {
        var blobs = Path.Combine(layout, "blobs", "sha256");
        return Directory.Exists(blobs) ? Directory.EnumerateFiles(blobs).MaxBy(f => new FileInfo(f).Length) ?? layout : layout;
    }
}
