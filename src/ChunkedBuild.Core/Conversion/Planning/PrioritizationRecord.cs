using System.Text.Json;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports;

namespace ChunkedBuild.Core.Conversion.Planning;

/// <summary>
/// The effective prioritization of a converted manifest, published as an OCI artifact whose <c>subject</c> is that manifest: the
/// image-level path list and, per layer, the prioritized entries with the compressed byte ranges a lazy puller fetches for them.
/// Layout of the record blob (<see cref="MediaType"/>; <c>variant</c> is the variant's name, <c>format</c> what each layer is, as
/// <see cref="Formats.LayerFormats.KindOf"/> names it):
/// <code>{"version":1,"source":"auto","platform":"linux/amd64","variant":…,"paths":["/app/x.dll",…],
///  "layers":[{"digest":"sha256:…","format":…,"files":[{"name":"app/x.dll","offset":123,"endOffset":456}]}]}</code>
/// </summary>
public static class PrioritizationRecord
{
    /// <summary>The artifact type and the media type of the record blob.</summary>
    public const string MediaType = "application/vnd.chunkedbuild.prioritization.v1+json";

    /// <summary>The OCI empty descriptor's media type (the artifact's config).</summary>
    public const string EmptyMediaType = "application/vnd.oci.empty.v1+json";

    /// <summary>The OCI empty blob: <c>{}</c>.</summary>
    public static ReadOnlyMemory<byte> EmptyBlob { get; } = "{}"u8.ToArray();

    /// <summary>Writes the record of <paramref name="manifest"/> (blobs, then the artifact manifest) and registers it as a referrer.</summary>
    /// <returns>The artifact manifest's descriptor.</returns>
    public static async Task<Descriptor> WriteAsync(IImageSink sink, IImageSource source, VariantManifest manifest, PrioritizationPlan plan, string? tempDirectory, CancellationToken cancellationToken)
    {
        var record = await BuildAsync(source, manifest, plan, tempDirectory, cancellationToken).ConfigureAwait(false);
        var recordDescriptor = new Descriptor { MediaType = MediaType, Digest = Digest.Sha256Of(record), Size = record.Length };
        var empty = new Descriptor { MediaType = EmptyMediaType, Digest = Digest.Sha256Of(EmptyBlob.Span), Size = EmptyBlob.Length };
        await sink.WriteBlobAsync(empty, BlobContent.FromBytes(EmptyBlob), cancellationToken).ConfigureAwait(false);
        await sink.WriteBlobAsync(recordDescriptor, BlobContent.FromBytes(record), cancellationToken).ConfigureAwait(false);
        var artifact = OciDocument<Manifest>.Create(new Manifest
        {
            MediaType = MediaTypes.OciManifest,
            ArtifactType = MediaType,
            Config = empty,
            Layers = [recordDescriptor],
            Subject = new Descriptor { MediaType = manifest.Descriptor.MediaType, Digest = manifest.Descriptor.Digest, Size = manifest.Descriptor.Size },
        });
        var descriptor = artifact.Describe(MediaTypes.OciManifest) with { ArtifactType = MediaType };
        await sink.WriteManifestAsync(descriptor, artifact.Raw, cancellationToken).ConfigureAwait(false);
        await sink.AddReferrerAsync(descriptor, cancellationToken).ConfigureAwait(false);
        return descriptor;
    }

    /// <summary>
    /// Copies the records <paramref name="source"/> holds for a manifest that is passed through unchanged (the artifact manifest, its config
    /// and record blob), so the destination lists them as that manifest's referrers as well. A record that is not a readable manifest is left out.
    /// </summary>
    public static async Task CopyAsync(IImageSink sink, IImageSource source, Digest subject, CancellationToken cancellationToken)
    {
        foreach (var referrer in await source.ReferrersAsync(subject, MediaType, cancellationToken).ConfigureAwait(false))
        {
            var raw = await source.ReadBlobAsync(referrer, cancellationToken).ConfigureAwait(false);
            Manifest artifact;
            try
            {
                artifact = OciDocument<Manifest>.Parse(raw).Value;
            }
            catch (JsonException)
            {
                continue;
            }
            foreach (var blob in artifact.Layers.Prepend(artifact.Config))
                await sink.WriteBlobAsync(blob, new BlobContent(ct => source.OpenBlobAsync(blob, ct), source), cancellationToken).ConfigureAwait(false);
            var descriptor = new Descriptor { MediaType = referrer.MediaType, Digest = referrer.Digest, Size = referrer.Size, ArtifactType = artifact.ArtifactType ?? referrer.ArtifactType };
            await sink.WriteManifestAsync(descriptor, raw, cancellationToken).ConfigureAwait(false);
            await sink.AddReferrerAsync(descriptor, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<byte[]> BuildAsync(IImageSource source, VariantManifest manifest, PrioritizationPlan plan, string? tempDirectory, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", 1);
            w.WriteString("source", plan.Source);
            w.WriteString("platform", manifest.Platform.ToString());
            w.WriteString("variant", manifest.Variant.Name());
            w.WriteStartArray("paths");
            foreach (var p in plan.Paths) w.WriteStringValue(p);
            w.WriteEndArray();
            w.WriteStartArray("layers");
            for (var i = 0; i < manifest.Layers.Count; i++)
            {
                var layer = manifest.Layers[i];
                var listed = i < plan.Layers.Count ? plan.Layers[i] : [];
                w.WriteStartObject();
                w.WriteString("digest", layer.Descriptor.Digest.ToString());
                w.WriteString("format", LayerFormats.KindOf(layer.Descriptor));
                w.WriteStartArray("files");
                var ranges = listed.Count > 0 && LayerFormats.Detect(layer.Descriptor) is { } format
                    ? await RangesAsync(source, layer, format, tempDirectory, cancellationToken).ConfigureAwait(false)
                    : null;
                foreach (var name in listed)
                {
                    w.WriteStartObject();
                    w.WriteString("name", name);
                    if (ranges is not null && ranges.TryGetValue(Clean(name), out var range))
                    {
                        w.WriteNumber("offset", range.Offset);
                        w.WriteNumber("endOffset", range.EndOffset);
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Per entry name: the compressed range from the file's first piece to the end of its last one.</summary>
    private static async Task<Dictionary<string, (long Offset, long EndOffset)>> RangesAsync(IImageSource source, ConvertedLayer layer, ILayerFormat format, string? tempDirectory, CancellationToken cancellationToken)
    {
        IReadOnlyList<TocRange> entries;
        if (layer.BlobFile is { } file)
        {
            await using var blob = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            entries = format.ReadToc(blob, layer.Descriptor.Annotations).Entries;
        }
        else
        {
            await using var blob = new BlobWindowStream(source, layer.Descriptor, cancellationToken);
            entries = await Task.Run(() => format.ReadToc(blob, layer.Descriptor.Annotations).Entries, cancellationToken).ConfigureAwait(false);
        }
        var ranges = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (var e in entries.Where(e => e.EndOffset > e.Offset))
        {
            var name = Clean(e.Name);
            ranges[name] = ranges.TryGetValue(name, out var r) ? (Math.Min(r.Item1, e.Offset), Math.Max(r.Item2, e.EndOffset)) : (e.Offset, e.EndOffset);
        }
        return ranges;
    }

    /// <summary>An entry name without a leading <c>./</c> or <c>/</c> (TOCs and tars spell the same file differently).</summary>
    private static string Clean(string name)
    {
        while (true)
        {
            if (name.StartsWith("./", StringComparison.Ordinal)) name = name[2..];
            else if (name.StartsWith('/')) name = name[1..];
            else return name;
        }
    }
}
