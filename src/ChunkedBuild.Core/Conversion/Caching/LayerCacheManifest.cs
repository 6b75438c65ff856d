using System.Text.Json;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion.Caching;

/// <summary>
/// The registry cache's one document per cache reference (docs/registry-cache.md): an OCI artifact manifest tagged in the cache
/// repository, whose layers are the converted blobs themselves (so the registry keeps them while the tag exists), each carrying its record
/// in annotations beside the format's own layer annotations:
/// <code>
/// {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.chunkedbuild.layer-cache.v1",
///  "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136f…","size":2},
///  "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:…","size":123,
///             "annotations":{"containerd.io/snapshot/stargz/toc.digest":"sha256:…", …,
///                            "io.github.chunkedbuild.cache.key":"&lt;hex&gt;","io.github.chunkedbuild.cache.format":"&lt;format name&gt;",
///                            "io.github.chunkedbuild.cache.source":"sha256:…","io.github.chunkedbuild.cache.source-diff-id":"sha256:…",
///                            "io.github.chunkedbuild.cache.diff-id":"sha256:…"}}, …],
///  "annotations":{"io.github.chunkedbuild.cache.version":"1"}}
/// </code>
/// Records are kept most recently used first, at most <see cref="MaxRecords"/>.
/// </summary>
public static class LayerCacheManifest
{
    /// <summary>The artifact type of the cache manifest.</summary>
    public const string ArtifactType = "application/vnd.chunkedbuild.layer-cache.v1";

    /// <summary>The schema version this code reads and writes.</summary>
    public const string Version = "1";

    /// <summary>How many records one cache manifest keeps (about 700 bytes each; registries accept manifests of 4 MiB).</summary>
    public const int MaxRecords = 512;

    private const string Prefix = "io.github.chunkedbuild.cache.";
    private const string VersionKey = Prefix + "version";
    private const string KeyKey = Prefix + "key";
    private const string FormatKey = Prefix + "format";
    private const string SourceKey = Prefix + "source";
    private const string SourceDiffIdKey = Prefix + "source-diff-id";
    private const string DiffIdKey = Prefix + "diff-id";

    /// <summary>The OCI empty descriptor (the manifest's config).</summary>
    public static Descriptor EmptyConfig { get; } = new()
    {
        MediaType = PrioritizationRecord.EmptyMediaType, Digest = Digest.Sha256Of(PrioritizationRecord.EmptyBlob.Span), Size = PrioritizationRecord.EmptyBlob.Length,
    };

    /// <summary>The manifest holding <paramref name="records"/>, in that order.</summary>
    public static OciDocument<Manifest> Create(IReadOnlyList<SharedLayerRecord> records) => OciDocument<Manifest>.Create(new Manifest
    {
        MediaType = MediaTypes.OciManifest,
        ArtifactType = ArtifactType,
        Config = EmptyConfig,
        Layers = [.. records.Select(Describe)],
        Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { [VersionKey] = Version },
    });

    /// <summary>
    /// The records of a cache manifest, in its order; null when <paramref name="raw"/> is not a cache manifest of this version (another
    /// document under the tag, or a newer schema). Layers whose record is incomplete or malformed are left out.
    /// </summary>
    public static IReadOnlyList<SharedLayerRecord>? Parse(byte[] raw)
    {
        Manifest manifest;
        try
        {
            manifest = OciJson.Parse<Manifest>(raw);
        }
        catch (JsonException)
        {
            return null;
        }
        if (manifest.ArtifactType != ArtifactType || manifest.Annotations?.GetValueOrDefault(VersionKey) != Version || manifest.Layers is null) return null;
        var records = new List<SharedLayerRecord>();
        foreach (var layer in manifest.Layers)
        {
            if (layer?.Annotations is not { } annotations) continue;
            if (annotations.GetValueOrDefault(KeyKey) is not { Length: > 0 } key || annotations.GetValueOrDefault(FormatKey) is not { Length: > 0 } format) continue;
            if (!Digest.TryParse(annotations.GetValueOrDefault(SourceKey), out var source)
                || !Digest.TryParse(annotations.GetValueOrDefault(SourceDiffIdKey), out var sourceDiffId)
                || !Digest.TryParse(annotations.GetValueOrDefault(DiffIdKey), out var diffId)) continue;
            var own = annotations.Where(a => !a.Key.StartsWith(Prefix, StringComparison.Ordinal)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
            records.Add(new SharedLayerRecord(key, format, source, sourceDiffId, diffId,
                new Descriptor { MediaType = layer.MediaType, Digest = layer.Digest, Size = layer.Size, Annotations = new SortedDictionary<string, string>(own, StringComparer.Ordinal) }));
        }
        return records;
    }

    /// <summary>
    /// The records to write: <paramref name="fresh"/> first (this run's, in its order), then those of <paramref name="existing"/> whose key
    /// none of them has, at most <see cref="MaxRecords"/>: the least recently used records fall off the end.
    /// </summary>
    public static IReadOnlyList<SharedLayerRecord> Merge(IReadOnlyList<SharedLayerRecord> fresh, IReadOnlyList<SharedLayerRecord> existing)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var merged = new List<SharedLayerRecord>();
        foreach (var record in fresh.Concat(existing))
        {
            if (merged.Count == MaxRecords) break;
            if (keys.Add(record.Key)) merged.Add(record);
        }
        return merged;
    }

    private static Descriptor Describe(SharedLayerRecord record)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in record.Blob.Annotations ?? new Dictionary<string, string>()) annotations[k] = v;
        annotations[KeyKey] = record.Key;
        annotations[FormatKey] = record.Format;
        annotations[SourceKey] = record.Source.ToString();
        annotations[SourceDiffIdKey] = record.SourceDiffId.ToString();
        annotations[DiffIdKey] = record.DiffId.ToString();
        return new Descriptor { MediaType = record.Blob.MediaType, Digest = record.Blob.Digest, Size = record.Blob.Size, Annotations = annotations };
    }
}
