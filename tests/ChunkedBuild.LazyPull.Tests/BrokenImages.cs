using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;

namespace ChunkedBuild.LazyPull.Tests;

/// <summary>
/// Deliberately broken copies of a converted image, pushed beside it in the same repository, to show the lazy-start checks catch what a
/// lazy puller would suffer from:
/// <list type="bullet">
/// <item><see cref="WrongTocDigestAsync"/>: one layer's <c>containerd.io/snapshot/stargz/toc.digest</c> annotation names another digest
/// (the manifest only changes);</item>
/// <item><see cref="MissingLandmarkAsync"/>: one layer's TOC lists no <c>.prefetch.landmark</c> (the blob's bytes up to the TOC are kept, the
/// TOC member and footer are rewritten; the layer digest, the TOC digest annotation and the config's DiffID follow, so the image is
/// otherwise valid).</item>
/// </list>
/// </summary>
internal static class BrokenImages
{
    /// <summary>Pushes <c>&lt;repository&gt;:&lt;tag&gt;</c>: the eStargz manifest of <paramref name="image"/> with layer <paramref name="layer"/>'s TOC digest replaced.</summary>
    public static async Task<string> WrongTocDigestAsync(string registryHost, string image, int layer, string tag)
    {
        var reference = ImageReference.Parse($"{registryHost}/{image}");
        using var client = new RegistryClient(new RegistryClientOptions());
        var manifest = await PlatformManifestAsync(client, reference);
        var layers = manifest["layers"]!.AsArray();
        var wrong = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("not the TOC"u8));
        layers[layer]!["annotations"]![EStargzSpec.TocDigestAnnotation] = wrong;
        await PutAsync(client, reference, tag, manifest);
        return $"{reference.Repository}:{tag}";
    }

    /// <summary>Pushes <c>&lt;repository&gt;:&lt;tag&gt;</c>: the eStargz manifest of <paramref name="image"/> whose layer <paramref name="layer"/> has no prefetch landmark in its TOC.</summary>
    public static async Task<string> MissingLandmarkAsync(string registryHost, string image, int layer, string tag)
    {
        var reference = ImageReference.Parse($"{registryHost}/{image}");
        using var client = new RegistryClient(new RegistryClientOptions());
        var manifest = await PlatformManifestAsync(client, reference);
        var descriptor = OciJson.Parse<Descriptor>(System.Text.Encoding.UTF8.GetBytes(manifest["layers"]![layer]!.ToJsonString()));
        var blob = await client.ReadBlobAsync(reference, descriptor);
        var (rewritten, tocDigest) = WithoutLandmark(blob);
        var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Decompress(rewritten)));
        var layerDigest = Digest.Sha256Of(rewritten);
        await client.UploadBlobAsync(reference, new Descriptor { MediaType = descriptor.MediaType, Digest = layerDigest, Size = rewritten.Length }, BlobContent.FromBytes(rewritten));

        var configDescriptor = OciJson.Parse<Descriptor>(System.Text.Encoding.UTF8.GetBytes(manifest["config"]!.ToJsonString()));
        var config = JsonNode.Parse(await client.ReadBlobAsync(reference, configDescriptor))!;
        config["rootfs"]!["diff_ids"]![layer] = diffId;
        var configBytes = System.Text.Encoding.UTF8.GetBytes(config.ToJsonString());
        var configDigest = Digest.Sha256Of(configBytes);
        await client.UploadBlobAsync(reference, new Descriptor { MediaType = configDescriptor.MediaType, Digest = configDigest, Size = configBytes.Length }, BlobContent.FromBytes(configBytes));

        manifest["config"]!["digest"] = configDigest.ToString();
        manifest["config"]!["size"] = configBytes.Length;
        var node = manifest["layers"]![layer]!;
        node["digest"] = layerDigest.ToString();
        node["size"] = rewritten.Length;
        node["annotations"]![EStargzSpec.TocDigestAnnotation] = tocDigest;
        if (node["annotations"]![EStargzSpec.UncompressedSizeAnnotation] is not null)
            node["annotations"]![EStargzSpec.UncompressedSizeAnnotation] = Decompress(rewritten).LongLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await PutAsync(client, reference, tag, manifest);
        return $"{reference.Repository}:{tag}";
    }

    /// <summary>
    /// The blob with its TOC member rewritten without the <c>.prefetch.landmark</c> entry (every other entry and offset unchanged; the landmark's
    /// own tar entry stays in the stream, unlisted) and a new footer at the same TOC offset; returns it and the new TOC digest.
    /// </summary>
    private static (byte[] Blob, string TocDigest) WithoutLandmark(byte[] blob)
    {
        if (!EStargzFooter.TryParse(blob.AsSpan(blob.Length - EStargzFooter.Size), out var tocOffset, out var error)) throw new InvalidOperationException(error);
        byte[] json;
        using (var reader = new TarReader(new MemoryStream(Decompress(blob[(int)tocOffset..^EStargzFooter.Size]))))
        {
            var entry = reader.GetNextEntry() ?? throw new InvalidOperationException("an empty TOC member");
            using var content = new MemoryStream();
            entry.DataStream!.CopyTo(content);
            json = content.ToArray();
        }
        var toc = EStargzTocParser.Parse(json);
        var kept = toc.Entries.Where(e => e.CleanName != EStargzSpec.PrefetchLandmark).ToList();
        if (kept.Count == toc.Entries.Count) throw new InvalidOperationException("the layer has no .prefetch.landmark to remove");
        var rewritten = EStargzTocSerializer.Serialize(kept);
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, EStargzSpec.TocName)
            {
                Mode = (UnixFileMode)0b110_100_100, ModificationTime = DateTimeOffset.UnixEpoch, DataStream = new MemoryStream(rewritten),
            });
        }
        using var output = new MemoryStream();
        output.Write(blob, 0, (int)tocOffset);
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) tar.WriteTo(gzip);
        output.Write(EStargzFooter.Create(tocOffset));
        return (output.ToArray(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(rewritten)));
    }

    private static byte[] Decompress(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>The first linux/amd64 manifest of the image (what containerd pulls), as a JSON tree.</summary>
    private static async Task<JsonNode> PlatformManifestAsync(RegistryClient client, ImageReference reference)
    {
        var manifest = await client.GetManifestAsync(reference);
        if (manifest.IsIndex)
        {
            var index = OciJson.Parse<ImageIndex>(manifest.Raw);
            var first = index.Manifests.First(m => m.Platform is { Os: "linux", Architecture: "amd64" });
            manifest = await client.GetManifestAsync(reference, first.Digest.ToString());
        }
        return JsonNode.Parse(manifest.Raw)!;
    }

    private static async Task PutAsync(RegistryClient client, ImageReference reference, string tag, JsonNode manifest) =>
        await client.PutManifestAsync(reference, tag, MediaTypes.OciManifest, System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
}
