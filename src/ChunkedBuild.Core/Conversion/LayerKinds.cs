using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion;

/// <summary>Names the format of a layer from its descriptor, as readers decide it (annotations first, then the media type).</summary>
public static class LayerKinds
{
    /// <summary>eStargz layers (TOC digest annotation on a gzip layer).</summary>
    public const string EStargz = "estargz";

    /// <summary>zstd:chunked layers (manifest-checksum annotation on a zstd layer).</summary>
    public const string ZstdChunked = "zstd:chunked";

    /// <summary>estargz, zstd:chunked, gzip, zstd, tar, or the media type itself when unknown.</summary>
    public static string Of(Descriptor layer)
    {
        var oci = layer with { MediaType = MediaTypes.OciLayerOf(layer.MediaType) ?? layer.MediaType };
        if (LayerTranscoder.IsAlreadyIn(LayerVariant.EStargz, oci)) return EStargz;
        if (LayerTranscoder.IsAlreadyIn(LayerVariant.ZstdChunked, oci)) return ZstdChunked;
        return oci.MediaType switch
        {
            MediaTypes.OciLayerGzip => "gzip",
            MediaTypes.OciLayerZstd => "zstd",
            MediaTypes.OciLayerTar => "tar",
            var other => other,
        };
    }

    /// <summary>The layer format name used by <see cref="Formats.LayerFormats"/> for a lazy kind, else null.</summary>
    public static string? FormatName(string kind) => kind switch { EStargz => "estargz", ZstdChunked => "zstd-chunked", _ => null };
}
