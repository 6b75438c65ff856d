using System.Formats.Tar;
using System.IO.Compression;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Tests.Robustness.Fuzz;

/// <summary>
/// Hostile lazy layers, as an image could carry them to <c>inspect</c>, <c>verify</c> or <c>layer verify</c>: a valid eStargz or zstd:chunked
/// blob whose TOC JSON is mutated and re-packed with consistent digests, positions and footer (so the parsers behind the checks are
/// reached), or whose bytes and annotations are damaged directly.
/// </summary>
internal sealed class LazyBlobMutator(Random random)
{
    /// <summary>A mutated blob and the annotations that go with it.</summary>
    public (byte[] Blob, Dictionary<string, string> Annotations) Mutate(string format, byte[] blob, IReadOnlyDictionary<string, string> annotations)
    {
        var json = new JsonMutator(random);
        var result = new Dictionary<string, string>(annotations);
        if (random.Next(2) == 0)
        {
            var rewritten = format == "estargz" ? RewriteEStargzToc(blob, json.Mutate, result) : RewriteZstdChunkedToc(blob, json.Mutate, result);
            if (rewritten is not null) return (rewritten, result);
        }
        var damaged = json.Bytes(blob);
        if (random.Next(4) == 0 && result.Count > 0)
        {
            var key = result.Keys.ElementAt(random.Next(result.Count));
            result[key] = random.Next(3) switch { 0 => "", 1 => "sha256:" + new string('0', 64), _ => "1:2:3:4" };
        }
        return (damaged, result);
    }

    /// <summary>eStargz: the TOC member (a gzip'd tar of stargz.index.json) is rebuilt around a mutated TOC; toc.digest follows it.</summary>
    public static byte[]? RewriteEStargzToc(byte[] blob, Func<byte[], byte[]> mutate, Dictionary<string, string> annotations)
    {
        if (!EStargzFooter.TryParse(blob.AsSpan(blob.Length - EStargzFooter.Size), out var tocOffset, out _)) return null;
        byte[] toc;
        using (var gzip = new GZipStream(new MemoryStream(blob, (int)tocOffset, blob.Length - EStargzFooter.Size - (int)tocOffset), CompressionMode.Decompress))
        using (var reader = new TarReader(gzip))
        {
            var entry = reader.GetNextEntry();
            if (entry?.DataStream is null) return null;
            var data = new MemoryStream();
            entry.DataStream.CopyTo(data);
            toc = data.ToArray();
        }
        var mutated = mutate(toc);
        var tar = new MemoryStream();
        tar.Write(EStargzTarHeader.RegularFile(EStargzSpec.TocName, mutated.Length));
        tar.Write(mutated);
        tar.Write(new byte[EStargzTarHeader.PaddingFor(mutated.Length) + 2 * EStargzTarHeader.BlockSize]);
        var member = new MemoryStream();
        using (var gzip = new GZipStream(member, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(tar.ToArray());
        annotations[EStargzSpec.TocDigestAnnotation] = Digest.Sha256Of(mutated).ToString();
        return [.. blob.AsSpan(0, (int)tocOffset), .. member.ToArray(), .. EStargzFooter.Create(tocOffset)];
    }

    /// <summary>zstd:chunked: the TOC frame is replaced by a mutated TOC; the footer and the manifest annotations follow it.</summary>
    public static byte[]? RewriteZstdChunkedToc(byte[] blob, Func<byte[], byte[]> mutate, Dictionary<string, string> annotations)
    {
        if (ZstdChunkedFooter.TryParseFrame(blob.AsSpan(blob.Length - ZstdChunkedFooter.FrameLength)) is not { } footer) return null;
        var tocStart = footer.Toc.Offset - SkippableFrame.HeaderLength;
        var toc = new ZstdSharp.Decompressor().Unwrap(blob.AsSpan((int)footer.Toc.Offset, (int)footer.Toc.CompressedLength)).ToArray();
        var tarSplit = blob.AsSpan((int)footer.TarSplit.Offset, (int)footer.TarSplit.CompressedLength).ToArray();
        var mutated = mutate(toc);
        var compressed = ZstdEncoders.Compress(mutated, 3);
        var output = new MemoryStream();
        output.Write(blob.AsSpan(0, (int)tocStart));
        var newToc = new ZstdChunkedPosition(output.Length + SkippableFrame.HeaderLength, compressed.Length, mutated.Length);
        SkippableFrame.Write(output, compressed);
        var newSplit = new ZstdChunkedPosition(output.Length + SkippableFrame.HeaderLength, tarSplit.Length, footer.TarSplit.UncompressedLength);
        SkippableFrame.Write(output, tarSplit);
        SkippableFrame.Write(output, new ZstdChunkedFooter(newToc, newSplit).ToBytes());
        annotations[ZstdChunkedSpec.ManifestChecksumAnnotation] = Digest.Sha256Of(compressed).ToString();
        annotations[ZstdChunkedSpec.ManifestPositionAnnotation] = newToc.ToManifestPosition();
        annotations[ZstdChunkedSpec.TarSplitPositionAnnotation] = newSplit.ToTarSplitPosition();
        return output.ToArray();
    }
}
