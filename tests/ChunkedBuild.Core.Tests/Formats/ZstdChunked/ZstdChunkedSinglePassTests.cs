using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.ZstdChunked;

/// <summary>
/// The zstd:chunked validator's one-decompression pass (<see cref="ZstdChunkedSinglePass"/>) proves the writer's blobs, and gives every
/// damaged blob the verdict the separate checks give; a blob it proved lists its layer from its metadata exactly as the tar lists it.
/// </summary>
public class ZstdChunkedSinglePassTests
{
    /// <summary>A layer with files of several chunks (random, with holes), zeros, small and empty files, links, PAX headers.</summary>
    private static byte[] LayerTar() => SinglePassLayer.Tar(seed: 11, dllHead: 400_000, dllTail: 200_000, zeros: 70_000, "big.bin", 2 << 20);

    private static (byte[] Blob, LayerWriteResult Result) Convert(byte[] tar)
    {
        var output = new MemoryStream();
        var result = LayerFormats.ZstdChunked.WriteAsync(new MemoryStream(tar), output, new FormatOptions { TempDirectory = Path.GetTempPath(), DegreeOfParallelism = 2 }, TestContext.Current.CancellationToken)
            .GetAwaiter().GetResult();
        return (output.ToArray(), result);
    }

    [Fact]
    public void The_writers_blob_is_proven_by_one_pass_with_the_tars_digest()
    {
        var tar = LayerTar();
        var (blob, result) = Convert(tar);
        var stream = new MemoryStream(blob);
        var toc = ZstdChunkedTocReader.ReadParsed(stream, result.Annotations).Toc;
        Assert.Contains(toc.Entries, e => e.Type == TocEntryTypes.Chunk); // files of several pieces are covered
        var position = ZstdChunkedPosition.TryParseTarSplitPosition(result.Annotations[ZstdChunkedSpec.TarSplitPositionAnnotation])!;
        var lines = TarSplitReader.Read(new MemoryStream(ZstdChunkedTocReader.Decompress(RangeReadStream.ReadAll(stream, position.Offset, position.CompressedLength)))).ToList();

        Assert.Equal(Digest.Sha256Of(tar), new ZstdChunkedSinglePass(stream).Run(toc.Entries, lines));
    }

    [Fact]
    public void Every_damaged_blob_gets_the_verdict_and_failures_of_the_separate_checks()
    {
        var tar = LayerTar();
        var (blob, result) = Convert(tar);
        var request = new LayerValidationRequest { Annotations = result.Annotations, DiffId = result.DiffId };
        var onePass = new ZstdChunkedValidator();
        var separate = new ZstdChunkedValidator { SinglePass = false };
        var random = new Random(5);
        var invalid = 0;
        for (var i = 0; i < 120; i++)
        {
            var damaged = (byte[])blob.Clone();
            // Half of the flips land in the frames of the tar stream, the rest anywhere (TOC, tar-split, footer included).
            var at = i % 2 == 0 ? random.Next((int)(result.Size * 9 / 10)) : random.Next(damaged.Length);
            damaged[at] ^= (byte)(1 + random.Next(255));
            var fast = onePass.Validate(new MemoryStream(damaged), request);
            var slow = separate.Validate(new MemoryStream(damaged), request);
            Assert.Equal(slow.Failures, fast.Failures);
            Assert.Equal(slow.DiffId, fast.DiffId);
            if (!fast.IsValid) invalid++;
        }
        Assert.True(invalid > 100, $"only {invalid} of 120 damaged blobs were found invalid");
        Assert.True(onePass.Validate(new MemoryStream(blob), request).IsValid);
    }

    [Fact]
    public void The_native_and_managed_decoders_give_the_one_pass_the_same_verdict_on_every_damaged_blob()
    {
        using (var probe = NativeZstdRanges.TryCreate()) Assert.NotNull(probe); // ZstdNet ships libzstd for this platform: the native path is what runs
        var tar = LayerTar();
        var (blob, result) = Convert(tar);
        var stream = new MemoryStream(blob);
        var toc = ZstdChunkedTocReader.ReadParsed(stream, result.Annotations).Toc;
        var position = ZstdChunkedPosition.TryParseTarSplitPosition(result.Annotations[ZstdChunkedSpec.TarSplitPositionAnnotation])!;
        var lines = TarSplitReader.Read(new MemoryStream(ZstdChunkedTocReader.Decompress(RangeReadStream.ReadAll(stream, position.Offset, position.CompressedLength)))).ToList();
        Assert.Equal(Digest.Sha256Of(tar), new ZstdChunkedSinglePass(new MemoryStream(blob), native: true).Run(toc.Entries, lines));

        // The undamaged TOC and tar-split over damaged bytes: every flip lands in a range the pass decodes.
        var random = new Random(7);
        var rejected = 0;
        for (var i = 0; i < 120; i++)
        {
            var damaged = (byte[])blob.Clone();
            damaged[random.Next(damaged.Length)] ^= (byte)(1 + random.Next(255));
            var native = new ZstdChunkedSinglePass(new MemoryStream(damaged), native: true).Run(toc.Entries, lines);
            var managed = new ZstdChunkedSinglePass(new MemoryStream(damaged), native: false).Run(toc.Entries, lines);
            Assert.Equal(managed, native);
            if (native is null) rejected++;
        }
        Assert.True(rejected > 100, $"only {rejected} of 120 damaged blobs were not proven");
    }

    [Fact]
    public void The_native_range_decoder_fails_a_range_that_ends_inside_a_frame_and_decodes_whole_frames_as_ZstdSharp_does()
    {
        var content = new byte[300_000];
        new Random(3).NextBytes(content.AsSpan(0, 150_000));
        byte[] skippable = [0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3]; // a skippable frame (magic 0x184D2A50, length 3)
        byte[] frames = [.. new ZstdSharp.Compressor(3).Wrap(content[..100_000]), .. skippable, .. new ZstdSharp.Compressor(3).Wrap(content[100_000..])];
        using var decoder = NativeZstdRanges.TryCreate()!;
        byte[] Decode(Stream s) { var o = new MemoryStream(); s.CopyTo(o); return o.ToArray(); }

        var blob = new MemoryStream(frames);
        Assert.Equal(content, Decode(ZstdChunkedContentCheck.OpenRange(blob, 0, frames.Length, decoder)));
        Assert.Equal(content, Decode(ZstdChunkedContentCheck.OpenRange(blob, 0, frames.Length, null)));
        foreach (var cut in new[] { 1, 4, skippable.Length, frames.Length / 2 })
        {
            Assert.ThrowsAny<Exception>(() => Decode(ZstdChunkedContentCheck.OpenRange(blob, 0, frames.Length - cut, null)));
            Assert.Throws<InvalidDataException>(() => Decode(ZstdChunkedContentCheck.OpenRange(blob, 0, frames.Length - cut, decoder)));
        }
    }

    [Fact]
    public void A_proven_blob_lists_its_layer_from_its_metadata_as_the_tar_lists_it()
    {
        var tar = LayerTar();
        var (blob, result) = Convert(tar);
        var folder = Directory.CreateTempSubdirectory("chunkedbuild-listing-").FullName;
        try
        {
            var blobPath = Path.Combine(folder, "blob");
            File.WriteAllBytes(blobPath, blob);
            Assert.True(new ZstdChunkedValidator().Validate(new MemoryStream(blob), new LayerValidationRequest { Annotations = result.Annotations, DiffId = Digest.Sha256Of(tar) }).IsValid);

            var fromTar = LayerListing.FromTar(new MemoryStream(tar), Path.Combine(folder, "spool"), 1 << 30, TestContext.Current.CancellationToken);
            var fromBlob = LayerListing.FromConvertedBlob(LayerFormats.ZstdChunked, blobPath, result.Annotations)!;

            static string Show(TarEntryInfo e) =>
                $"{e.Name}|{e.TypeFlag}|{e.Size}|{e.Mode}|{e.Uid}|{e.Gid}|{e.UserName}|{e.GroupName}|{e.LinkName}|{e.ModTime.ToRfc3339()}|{e.DevMajor},{e.DevMinor}|{string.Join(",", e.Xattrs.Select(x => x.Key))}";
            Assert.Equal(fromTar.Entries.Select(Show), fromBlob.Entries.Select(Show));
            foreach (var entry in fromTar.Entries)
            {
                foreach (var max in new[] { int.MaxValue, 100 })
                    Assert.Equal(fromTar.Read(entry.Name, max), fromBlob.Read(entry.Name, max));
            }
            Assert.NotNull(fromBlob.Read("app/app.dll", int.MaxValue));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
