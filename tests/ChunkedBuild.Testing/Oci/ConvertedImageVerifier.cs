using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Layout;

namespace ChunkedBuild.Testing.Oci;

/// <summary>What the verifier saw of one layer.</summary>
public sealed record VerifiedLayer(Digest Manifest, Descriptor Layer, Digest DiffId, string Kind);

/// <summary>
/// Checks a converted OCI layout (folder or tar) with outside eyes: every layer of every manifest under a tag is decompressed and
/// its sha256 compared with the config's DiffID, and every eStargz / zstd:chunked layer goes through the oracle (<c>tests/oracle</c>: stargz-snapshotter,
/// tar-split and containers/storage code) with the annotation values from the manifest.
/// </summary>
public static class ConvertedImageVerifier
{
    /// <summary>Verifies the image tagged <paramref name="tag"/>; returns the layers seen; throws with every failure found.</summary>
    public static IReadOnlyList<VerifiedLayer> Verify(string layoutPath, string tag)
    {
        var reader = new OciLayoutReader(layoutPath);
        var failures = new List<string>();
        var seen = new List<VerifiedLayer>();
        var temp = Directory.CreateTempSubdirectory("chunkedbuild-verify-").FullName;
        try
        {
            foreach (var manifestDescriptor in Manifests(reader, reader.Resolve(tag)))
            {
                var manifest = reader.ReadDocument<Manifest>(manifestDescriptor).Value;
                var config = ImageConfig.Parse(reader.ReadBlob(manifest.Config.Digest));
                if (config.DiffIds.Count != manifest.Layers.Count) failures.Add($"{manifestDescriptor.Digest}: {manifest.Layers.Count} layers, {config.DiffIds.Count} diff_ids");
                for (var i = 0; i < manifest.Layers.Count && i < config.DiffIds.Count; i++)
                {
                    var layer = manifest.Layers[i];
                    var diffId = config.DiffIds[i];
                    var blobPath = Path.Combine(temp, layer.Digest.Hex);
                    if (!File.Exists(blobPath))
                    {
                        using var blob = reader.OpenBlob(layer);
                        using var file = File.Create(blobPath);
                        blob.CopyTo(file);
                    }
                    using (var blob = File.OpenRead(blobPath))
                    using (var tar = LayerInput.OpenUncompressed(blob, out _))
                    {
                        var actual = Digest.Sha256Of(tar);
                        if (actual != diffId) failures.Add($"{manifestDescriptor.Digest} layer {i}: decompresses to {actual}, config says {diffId}");
                    }
                    var kind = Kind(layer);
                    if (kind == "both") failures.Add($"{layer.Digest}: carries both eStargz and zstd:chunked annotations");
                    var check = kind switch
                    {
                        "estargz" => RefCheck.Run("estargz", blobPath, "--toc-digest", layer.Annotation(EStargzSpec.TocDigestAnnotation)!, "--diffid", diffId.ToString(),
                            "--uncompressed-size", layer.Annotation(EStargzSpec.UncompressedSizeAnnotation) ?? "0"),
                        "zstd:chunked" => RefCheck.Run("zstdchunked", blobPath, "--toc-digest", layer.Annotation(ZstdChunkedSpec.ManifestChecksumAnnotation)!, "--diffid", diffId.ToString(),
                            "--manifest-checksum", layer.Annotation(ZstdChunkedSpec.ManifestChecksumAnnotation)!,
                            "--manifest-position", layer.Annotation(ZstdChunkedSpec.ManifestPositionAnnotation)!,
                            "--tarsplit-position", layer.Annotation(ZstdChunkedSpec.TarSplitPositionAnnotation)!, "--lenient-chunk-digests"),
                        _ => null,
                    };
                    if (check is { Ok: false }) failures.Add($"{manifestDescriptor.Digest} layer {i} ({kind}): the oracle failed: {check}");
                    seen.Add(new VerifiedLayer(manifestDescriptor.Digest, layer, diffId, kind));
                }
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
        return failures.Count == 0 ? seen : throw new InvalidOperationException("converted image verification failed:\n" + string.Join("\n", failures));
    }

    /// <summary>The manifests under a root (following indexes), as the index lists them.</summary>
    public static IEnumerable<Descriptor> Manifests(OciLayoutReader reader, Descriptor root)
    {
        if (!MediaTypes.IsIndex(root.MediaType))
        {
            yield return root;
            yield break;
        }
        foreach (var child in reader.ReadDocument<ImageIndex>(root).Value.Manifests)
            foreach (var m in Manifests(reader, child)) yield return m;
    }

    /// <summary>The lazy format a layer descriptor announces: <c>estargz</c>, <c>zstd:chunked</c>, <c>plain</c>, or <c>both</c> (a bug).</summary>
    public static string Kind(Descriptor layer)
    {
        var estargz = layer.Annotation(EStargzSpec.TocDigestAnnotation) is not null;
        var zstd = layer.Annotation(ZstdChunkedSpec.ManifestChecksumAnnotation) is not null;
        return (estargz, zstd) switch { (true, true) => "both", (true, false) => "estargz", (false, true) => "zstd:chunked", _ => "plain" };
    }

    /// <summary>The entry names of an eStargz layer in blob order (each name once; a chunked file's chunks share its name), read from its TOC.</summary>
    public static List<string> EStargzEntryNames(OciLayoutReader reader, Descriptor layer)
    {
        using var blob = new MemoryStream(reader.ReadBlob(layer.Digest));
        return LayerFormats.EStargz.ReadToc(blob, layer.Annotations).Entries.Select(e => e.Name).Distinct().ToList();
    }
}
