using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// The registry of the layer formats ChunkedBuild reads and writes: the one place that knows every format. Everything outside
/// <c>Formats/</c> (Conversion, the Tool, the Tasks) asks it, by name or by descriptor, and talks to the <see cref="ILayerFormat"/> it gets.
/// </summary>
public static class LayerFormats
{
    /// <summary>zstd:chunked in the containers/storage dialect (Podman, Buildah, CRI-O).</summary>
    public static ILayerFormat ZstdChunked { get; } = new ZstdChunkedFormat();

    /// <summary>eStargz (containerd's stargz-snapshotter; readable as plain gzip).</summary>
    public static ILayerFormat EStargz { get; } = new EStargzFormat();

    /// <summary>Every format, in the order they are listed and tried.</summary>
    public static IReadOnlyList<ILayerFormat> All { get; } = [ZstdChunked, EStargz];

    /// <summary>The names <see cref="Get"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(f => f.Name)];

    /// <summary>The format written when none is named (<c>layer convert</c>, the layer task).</summary>
    public static ILayerFormat Default => ZstdChunked;

    /// <summary>
    /// The range and default of <see cref="FormatOptions.ChunkSize"/>: those of the format that cuts files into fixed-size chunks (eStargz;
    /// zstd:chunked cuts by content).
    /// </summary>
    public static ValueRange<long> ChunkSizes => EStargz.ChunkSizes!;

    /// <summary>Returns the format called <paramref name="name"/>; an unknown name is a CHB9001 error.</summary>
    public static ILayerFormat Get(string name) =>
        TryGet(name) ?? throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"unknown layer format '{name}' (use {string.Join(" or ", Names)})");

    /// <summary>Returns the format called <paramref name="name"/> (one of <see cref="Names"/>), or null.</summary>
    public static ILayerFormat? TryGet(string name) => All.FirstOrDefault(f => f.Name == name);

    /// <summary>
    /// The format a user means by <paramref name="spelling"/>, in any case: its name (<c>zstd-chunked</c>), its display name
    /// (<c>zstd:chunked</c>) or its name without hyphens (<c>zstdchunked</c>, as in tag suffixes); null when none.
    /// </summary>
    public static ILayerFormat? Find(string spelling) =>
        All.FirstOrDefault(f => new[] { f.Name, f.DisplayName, f.Name.Replace("-", "", StringComparison.Ordinal) }
            .Contains(spelling, StringComparer.OrdinalIgnoreCase));

    /// <summary>The format <paramref name="layer"/> is in, as readers decide it from its descriptor (<see cref="ILayerFormat.Describes"/>); null for none.</summary>
    public static ILayerFormat? Detect(Descriptor layer) => All.FirstOrDefault(f => f.Describes(layer));

    /// <summary>
    /// How reports name what <paramref name="layer"/> is: its format's display name (<c>estargz</c>, <c>zstd:chunked</c>), else its
    /// compression (<c>gzip</c>, <c>zstd</c>, <c>tar</c>), else its media type.
    /// </summary>
    public static string KindOf(Descriptor layer)
    {
        if (Detect(layer) is { } format) return format.DisplayName;
        return MediaTypes.OciLayerOf(layer.MediaType) switch
        {
            MediaTypes.OciLayerGzip => "gzip",
            MediaTypes.OciLayerZstd => "zstd",
            MediaTypes.OciLayerTar => "tar",
            _ => layer.MediaType,
        };
    }
}
