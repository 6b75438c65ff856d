using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// Builds the OCI manifest and config of one platform image in one variant. The config's <c>rootfs.diff_ids</c> are rewritten only
/// where a layer's DiffID changed (history and everything else kept byte for byte); a Docker v2 source becomes an OCI manifest (Docker
/// manifests cannot carry layer annotations) with its config bytes unchanged; an unchanged OCI image keeps its manifest bytes and digest.
/// </summary>
public static class VariantManifestBuilder
{
    /// <summary>Builds the variant manifest of <paramref name="image"/> from its converted <paramref name="layers"/>.</summary>
    public static VariantManifest Build(PlatformImage image, LayerVariant variant, IReadOnlyList<ConvertedLayer> layers)
    {
        var source = image.Manifest.Value;
        var diffIds = layers.Select(l => l.DiffId).ToList();
        var configRaw = diffIds.SequenceEqual(image.Config.DiffIds) ? image.ConfigRaw : image.Config.WithDiffIds(diffIds).ToJson();
        var configDescriptor = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Sha256Of(configRaw), Size = configRaw.LongLength };

        var unchanged = source.MediaType == MediaTypes.OciManifest && source.Config.MediaType == MediaTypes.OciConfig
            && source.Config.Digest == configDescriptor.Digest
            && layers.Select(l => l.Descriptor).SequenceEqual(source.Layers, DescriptorComparer.Instance);
        ReadOnlyMemory<byte> manifestRaw;
        if (unchanged)
        {
            manifestRaw = image.Manifest.Raw;
        }
        else
        {
            var manifest = new Manifest
            {
                MediaType = MediaTypes.OciManifest,
                ArtifactType = source.ArtifactType,
                Config = source.Config with { MediaType = MediaTypes.OciConfig, Digest = configDescriptor.Digest, Size = configDescriptor.Size },
                Layers = layers.Select(l => l.Descriptor).ToList(),
                Subject = source.Subject,
                Annotations = source.Annotations,
                Extra = source.MediaType == MediaTypes.OciManifest ? source.Extra : null,
            };
            manifestRaw = OciDocument<Manifest>.Create(manifest).Raw;
        }
        var descriptor = new Descriptor
        {
            MediaType = MediaTypes.OciManifest,
            Digest = Digest.Sha256Of(manifestRaw.Span),
            Size = manifestRaw.Length,
            Platform = image.Platform,
            Annotations = variant == LayerVariant.ZstdChunked
                ? new SortedDictionary<string, string>(StringComparer.Ordinal) { [Annotations.CompressionZstd] = "true" }
                : null,
        };
        return new VariantManifest
        {
            Variant = variant, SourceManifest = image.Manifest.Digest, Platform = image.Platform, ManifestRaw = manifestRaw, Descriptor = descriptor,
            ConfigRaw = configRaw, ConfigDescriptor = configDescriptor, Layers = layers,
        };
    }

    /// <summary>Descriptors compared by what a manifest serializes of them.</summary>
    private sealed class DescriptorComparer : IEqualityComparer<Descriptor>
    {
        public static readonly DescriptorComparer Instance = new();

        public bool Equals(Descriptor? x, Descriptor? y) =>
            x is not null && y is not null && x.MediaType == y.MediaType && x.Digest == y.Digest && x.Size == y.Size
            && (x.Annotations ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal)
                .SequenceEqual((y.Annotations ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
            && x.Urls is null && y.Urls is null && x.Extra is null && y.Extra is null;

        public int GetHashCode(Descriptor obj) => obj.Digest.GetHashCode();
    }
}
