using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Tests.Formats.ZstdChunked;

/// <summary>Reads the TOC of a zstd:chunked blob at the position its manifest-position annotation names.</summary>
internal static class ZstdChunkedTocReader
{
    public static ZstdChunkedToc Read(byte[] blob, LayerWriteResult result)
    {
        var position = ZstdChunkedPosition.TryParseManifestPosition(result.Annotations[ZstdChunkedSpec.ManifestPositionAnnotation])!;
        using var decoder = new ZstdSharp.DecompressionStream(new MemoryStream(blob, (int)position.Offset, (int)position.CompressedLength));
        var json = new MemoryStream();
        decoder.CopyTo(json);
        return ZstdChunkedTocParser.Parse(json.ToArray());
    }
}
