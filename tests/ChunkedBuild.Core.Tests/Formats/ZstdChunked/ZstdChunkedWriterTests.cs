using System.Formats.Tar;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.ZstdChunked;

public class ZstdChunkedWriterTests
{
    private static readonly ZstdChunkedFormat Format = new();
    private static readonly ZstdChunkedValidator Validator = new();

    /// <summary>A tar with a multi-chunk random file, holes, a constant file whose single chunk spans several frames, and small files.</summary>
    private static byte[] AwkwardTar()
    {
        var random = new Random(42);
        byte[] Random(int n) { var b = new byte[n]; random.NextBytes(b); return b; }
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            void File(string name, byte[] content)
            {
                var e = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) };
                w.WriteEntry(e);
            }
            w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "d/"));
            File("d/small.txt", "hello\n"u8.ToArray());
            File("d/random.bin", [.. Random(300_000), .. new byte[8192], .. Random(100_000), .. new byte[1023], .. Random(5000)]);
            File("d/zeros.bin", new byte[20_000]);
            File("d/constant.bin", Enumerable.Repeat((byte)1, 9 << 20).ToArray());
            File("d/empty", []);
        }
        return ms.ToArray();
    }

    private static (byte[] Blob, LayerWriteResult Result) Convert(byte[] tar, int threads = 2)
    {
        var output = new MemoryStream();
        var result = Format.WriteAsync(new MemoryStream(tar), output, new FormatOptions { TempDirectory = Path.GetTempPath(), DegreeOfParallelism = threads }).GetAwaiter().GetResult();
        return (output.ToArray(), result);
    }

    private static ZstdChunkedToc ReadToc(byte[] blob, LayerWriteResult result) => ZstdChunkedTocReader.ReadParsed(new MemoryStream(blob), result.Annotations).Toc;

    [Fact]
    public void Awkward_layer_round_trips_and_passes_the_validator_and_refcheck()
    {
        var tar = AwkwardTar();
        var (blob, result) = Convert(tar);

        Assert.Equal(Digest.Sha256Of(tar), result.DiffId);
        Assert.Equal(tar.Length, result.UncompressedSize);
        Assert.Equal(Digest.Sha256Of(blob), result.Digest);
        Assert.Equal(blob.Length, result.Size);
        using (var plain = LayerInput.OpenUncompressed(new MemoryStream(blob), out var compression))
        {
            Assert.Equal(LayerCompression.Zstd, compression);
            var back = new MemoryStream();
            plain.CopyTo(back);
            Assert.Equal(tar, back.ToArray());
        }

        var verdict = Validator.Validate(new MemoryStream(blob), new LayerValidationRequest { Annotations = result.Annotations, DiffId = result.DiffId });
        Assert.True(verdict.IsValid, string.Join("\n", verdict.Failures));

        var toc = ReadToc(blob, result);
        var random = toc.Entries.Where(e => e.Name == "d/random.bin").ToList();
        Assert.True(random.Count >= 4, "the random file is cut into several content-defined chunks");
        Assert.Contains(random, e => e.ChunkType == "zeros" && e.ChunkSize == 8192);
        Assert.DoesNotContain(random, e => e.ChunkType == "zeros" && e.ChunkSize == 1023);
        Assert.Equal(400_000 + 8192 + 1023 + 5000, random.Sum(e => e.ChunkSize));
        var zeros = Assert.Single(toc.Entries, e => e.Name == "d/zeros.bin");
        Assert.Equal(0, zeros.ChunkSize); // one chunk: no chunk fields at all
        var constant = Assert.Single(toc.Entries, e => e.Name == "d/constant.bin");
        Assert.True(constant.EndOffset - constant.Offset > 0);
        Assert.Equal("", toc.Entries.Single(e => e.Name == "d/empty").Digest);

        var path = Path.Combine(Path.GetTempPath(), $"zc-{Guid.NewGuid():N}");
        System.IO.File.WriteAllBytes(path + ".blob", blob);
        System.IO.File.WriteAllBytes(path + ".tar", tar);
        try
        {
            var a = result.Annotations;
            var check = RefCheck.Run("zstdchunked", path + ".blob", "--toc-digest", a[ZstdChunkedSpec.ManifestChecksumAnnotation],
                "--manifest-checksum", a[ZstdChunkedSpec.ManifestChecksumAnnotation], "--manifest-position", a[ZstdChunkedSpec.ManifestPositionAnnotation],
                "--tarsplit-position", a[ZstdChunkedSpec.TarSplitPositionAnnotation], "--diffid", result.DiffId.ToString(), "--tar", path + ".tar",
                "--lenient-chunk-digests");
            Assert.True(check.Ok, check.ToString());
        }
        finally
        {
            System.IO.File.Delete(path + ".blob");
            System.IO.File.Delete(path + ".tar");
        }
    }

    [Fact]
    public void Output_does_not_depend_on_the_thread_count()
    {
        var tar = AwkwardTar();
        Assert.Equal(Convert(tar, threads: 1).Blob, Convert(tar, threads: 2).Blob);
    }

    [Fact]
    public void Validator_finds_a_flipped_payload_byte()
    {
        var (blob, result) = Convert(AwkwardTar());
        var small = ReadToc(blob, result).Entries.Single(e => e.Name == "d/small.txt");
        blob[small.Offset + 4] ^= 0x55;
        var verdict = Validator.Validate(new MemoryStream(blob), new LayerValidationRequest { Annotations = result.Annotations });
        Assert.Contains(verdict.Failures, f => f.Contains("d/small.txt", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_refuses_a_wrong_toc_digest_and_both_annotation_families()
    {
        var (blob, result) = Convert(AwkwardTar());
        var wrong = new Dictionary<string, string>(result.Annotations) { [ZstdChunkedSpec.ManifestChecksumAnnotation] = Digest.EmptySha256.ToString() };
        Assert.Contains(Validator.Validate(new MemoryStream(blob), new LayerValidationRequest { Annotations = wrong }).Failures,
            f => f.Contains("manifest-checksum", StringComparison.Ordinal));
        var both = new Dictionary<string, string>(result.Annotations) { [EStargzSpec.TocDigestAnnotation] = Digest.EmptySha256.ToString() };
        Assert.Contains(Validator.Validate(new MemoryStream(blob), new LayerValidationRequest { Annotations = both }).Failures,
            f => f.Contains("both", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_works_from_the_footer_and_a_toc_digest_alone()
    {
        var (blob, result) = Convert(AwkwardTar());
        var verdict = Validator.Validate(new MemoryStream(blob), new LayerValidationRequest { TocDigest = result.TocDigest, DiffId = result.DiffId });
        Assert.True(verdict.IsValid, string.Join("\n", verdict.Failures));
        var wrongDiffId = Validator.Validate(new MemoryStream(blob), new LayerValidationRequest { TocDigest = result.TocDigest, DiffId = Digest.EmptySha256 });
        Assert.Contains(wrongDiffId.Failures, f => f.StartsWith("DiffID", StringComparison.Ordinal));
    }

    [Fact]
    public void The_real_containers_storage_vector_passes_the_validator()
    {
        var blob = System.IO.File.ReadAllBytes(Path.Combine(RepoPaths.Vectors, "worked-example.cstorage.zstd-chunked"));
        var annotations = new Dictionary<string, string>
        {
            [ZstdChunkedSpec.ManifestChecksumAnnotation] = "sha256:78de34ed8def8a8060d17b9bebf904606e67a8ce6dfdbc18ab70c9e465ddfad1",
            [ZstdChunkedSpec.ManifestPositionAnnotation] = "396:350:760:1",
            [ZstdChunkedSpec.TarSplitPositionAnnotation] = "754:599:7357",
        };
        var verdict = Validator.Validate(new MemoryStream(blob), new LayerValidationRequest
        {
            Annotations = annotations,
            DiffId = Digest.Parse("sha256:6a2f9f80ca167fae71bba455015de0996faa986d592e6426b30fd58421eb5e16"),
        });
        Assert.True(verdict.IsValid, string.Join("\n", verdict.Failures));
        Assert.Equal(5, verdict.EntryCount);
        Assert.Equal("sha256:573e2e407c7a7b0d2459801cb209ca6c7782ff5e0cbb40ecc7f749e722a0f62c", Digest.Sha256Of(blob).ToString());
    }

    [Fact]
    public void Zero_record_padding_is_kept_but_other_trailing_bytes_are_refused()
    {
        var tar = System.IO.File.ReadAllBytes(Path.Combine(RepoPaths.Vectors, "worked-example.tar"));
        var padded = tar.Concat(new byte[10240 - tar.Length % 10240 + 512]).ToArray();
        var (blob, result) = Convert(padded);
        Assert.Equal(Digest.Sha256Of(padded), result.DiffId);
        Assert.True(Validator.Validate(new MemoryStream(blob), new LayerValidationRequest { Annotations = result.Annotations }).IsValid);

        var garbage = tar.Concat("not a tar header"u8.ToArray()).ToArray();
        var e = Assert.Throws<Core.Errors.ChunkedBuildException>(() => Convert(garbage));
        Assert.Equal(Core.Errors.ErrorCodes.DataAfterEndOfArchive, e.Code);
    }
}
