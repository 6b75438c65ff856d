using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Corpus;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.Conformance;

/// <summary>
/// One conformance suite over every layer format (docs/design.md §6 item 3): each corpus case (producer × name prefix × awkward
/// entries) is converted, and the blob must decompress to what the result claims, pass the Core validator and pass
/// the oracle (tests/oracle), the outside reader built from the real Go libraries. Conversions must not depend on run or thread count.
/// </summary>
public abstract class LayerFormatConformanceTests
{
    /// <summary>Creates the suite for one format at one option set.</summary>
    protected LayerFormatConformanceTests(TarCorpus corpus, ILayerFormat format, ILayerValidator validator, RefCheckMode refCheckMode,
        FormatOptions? options = null)
    {
        Corpus = corpus;
        Format = format;
        Validator = validator;
        RefCheckMode = refCheckMode;
        Options = options ?? new FormatOptions { TempDirectory = Path.GetTempPath() };
    }

    /// <summary>The input corpus (an assembly fixture).</summary>
    protected TarCorpus Corpus { get; }
    /// <summary>The format under test.</summary>
    protected ILayerFormat Format { get; }
    /// <summary>The Core validator of that format.</summary>
    protected ILayerValidator Validator { get; }
    /// <summary>How the oracle is asked.</summary>
    protected RefCheckMode RefCheckMode { get; }
    /// <summary>The options every conversion of this class starts from.</summary>
    protected FormatOptions Options { get; }

    /// <summary>Where this class keeps blobs while the oracle reads them.</summary>
    protected string BlobFolder => Path.Combine(Corpus.Folder, "blobs");

    [Theory]
    [MemberData(nameof(TarCorpus.Cases), MemberType = typeof(TarCorpus))]
    public async Task Blob_decompresses_to_its_diffid_and_passes_the_validator_and_refcheck(TarCorpusCase corpusCase)
    {
        var built = Corpus.Get(corpusCase);
        var tar = await File.ReadAllBytesAsync(built.Path, TestContext.Current.CancellationToken);
        var layer = await ConvertedLayer.ConvertAsync(Format, tar, Options);
        var result = layer.Result;

        // (b) descriptor facts
        Assert.Equal(Format.MediaType, result.MediaType);
        Assert.Equal(layer.Blob.LongLength, result.Size);
        Assert.Equal(Digest.Sha256Of(layer.Blob), result.Digest);

        // (a) the decompressed stream is what the DiffID names (and, for zstd:chunked, the input tar itself)
        var decompressed = Decompress(layer.Blob, out var compression);
        Assert.Equal(RefCheckMode == RefCheckMode.ZstdChunked ? LayerCompression.Zstd : LayerCompression.Gzip, compression);
        Assert.Equal(result.DiffId, Digest.Sha256Of(decompressed));
        Assert.Equal(result.UncompressedSize, decompressed.LongLength);
        if (RefCheckMode == RefCheckMode.ZstdChunked)
        {
            Assert.Equal(Digest.Sha256Of(tar), result.DiffId);
            Assert.True(tar.AsSpan().SequenceEqual(decompressed), "the zstd:chunked stream must decompress to the input tar byte for byte");
        }
        AssertAnnotations(result);

        // (c) the Core validator
        var verdict = Validator.Validate(new MemoryStream(layer.Blob, writable: false),
            new LayerValidationRequest { Annotations = result.Annotations, DiffId = result.DiffId });
        Assert.True(verdict.IsValid, $"{corpusCase}: validator failures:\n{string.Join('\n', verdict.Failures)}");
        Assert.Equal(result.DiffId, verdict.DiffId);

        // (d) the outside reader
        var blobPath = layer.SaveTo(BlobFolder, corpusCase.Key);
        try
        {
            var check = RefCheck.Run(RefCheckArguments(blobPath, built.Path, result));
            Assert.True(check.Ok, $"{corpusCase}: {check}");
            if (RefCheckMode == RefCheckMode.ZstdChunked)
            {
                var report = check.Json!.RootElement.GetProperty("tar");
                Assert.True(report.GetProperty("stream_identical_to_tar").GetBoolean(), $"{corpusCase}: {check}");
            }
        }
        finally
        {
            File.Delete(blobPath);
        }
    }

    [Theory]
    [MemberData(nameof(TarCorpus.Cases), MemberType = typeof(TarCorpus))]
    public async Task Output_bytes_depend_neither_on_the_run_nor_on_the_thread_count(TarCorpusCase corpusCase)
    {
        var tar = await File.ReadAllBytesAsync(Corpus.Get(corpusCase).Path, TestContext.Current.CancellationToken);
        var single = await ConvertedLayer.ConvertAsync(Format, tar, Options with { DegreeOfParallelism = 1 });
        var parallel = await ConvertedLayer.ConvertAsync(Format, tar, Options with { DegreeOfParallelism = 2 });
        var again = await ConvertedLayer.ConvertAsync(Format, tar, Options with { DegreeOfParallelism = 2 });

        Assert.True(single.Blob.AsSpan().SequenceEqual(parallel.Blob), $"{corpusCase}: 1 thread and 2 threads wrote different bytes");
        Assert.True(parallel.Blob.AsSpan().SequenceEqual(again.Blob), $"{corpusCase}: two runs wrote different bytes");
        Assert.Equal(single.Result.Annotations, parallel.Result.Annotations);
        Assert.Equal(single.Result.DiffId, again.Result.DiffId);
    }

    [Theory]
    [MemberData(nameof(TarCorpus.Cases), MemberType = typeof(TarCorpus))]
    public async Task The_blob_holds_the_source_entries_in_the_order_ArrangeEntries_gives(TarCorpusCase corpusCase)
    {
        // LayerOrigin holds a layer converted elsewhere (a registry cache entry) to ArrangeEntries: it must describe what the writer does.
        var built = Corpus.Get(corpusCase);
        var tar = await File.ReadAllBytesAsync(built.Path, TestContext.Current.CancellationToken);
        foreach (var options in new[] { Options with { PrioritizedFiles = [] }, Options with { PrioritizedFiles = [built.FirstNestedFile.Spec.Name] } })
        {
            var layer = await ConvertedLayer.ConvertAsync(Format, tar, options);
            var source = LayerOrigin.ReadSource(new MemoryStream(tar, writable: false), options, TestContext.Current.CancellationToken);
            using var blob = LayerInput.OpenUncompressed(new MemoryStream(layer.Blob, writable: false), out _);
            var failures = LayerOrigin.Check(blob, Format, source, options, TestContext.Current.CancellationToken);
            Assert.True(failures.Count == 0, $"{corpusCase} ({options.PrioritizedFiles.Count} prioritized): {string.Join('\n', failures)}");
            Assert.Equal(layer.Result.DensifiedEntries, source.Densified);
            Assert.Equal(Format.AnnotationKeys.Order(StringComparer.Ordinal), layer.Result.Annotations.Keys.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>The oracle command line that checks <paramref name="blobPath"/> against its input tar.</summary>
    protected string[] RefCheckArguments(string blobPath, string tarPath, LayerWriteResult result) => RefCheckMode switch
    {
        RefCheckMode.ZstdChunked =>
        [
            "zstdchunked", blobPath,
            "--toc-digest", result.Annotations[ZstdChunkedSpec.ManifestChecksumAnnotation],
            "--manifest-checksum", result.Annotations[ZstdChunkedSpec.ManifestChecksumAnnotation],
            "--manifest-position", result.Annotations[ZstdChunkedSpec.ManifestPositionAnnotation],
            "--tarsplit-position", result.Annotations[ZstdChunkedSpec.TarSplitPositionAnnotation],
            "--diffid", result.DiffId.ToString(),
            "--tar", tarPath,
            "--lenient-chunk-digests",
        ],
        _ =>
        [
            "estargz", blobPath,
            "--toc-digest", result.Annotations[EStargzSpec.TocDigestAnnotation],
            "--diffid", result.DiffId.ToString(),
            "--uncompressed-size", result.UncompressedSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tar", tarPath,
        ],
    };

    /// <summary>Decompresses a whole blob the way a full puller does.</summary>
    internal static byte[] Decompress(byte[] blob, out LayerCompression compression)
    {
        using var stream = LayerInput.OpenUncompressed(new MemoryStream(blob, writable: false), out compression);
        using var all = new MemoryStream();
        stream.CopyTo(all);
        return all.ToArray();
    }

    /// <summary>Exactly one TOC annotation family, consistent with the result (docs/formats.md §1.9, §3.6, §6 item 10).</summary>
    private void AssertAnnotations(LayerWriteResult result)
    {
        var a = result.Annotations;
        if (RefCheckMode == RefCheckMode.ZstdChunked)
        {
            Assert.Equal(
                [ZstdChunkedSpec.ManifestChecksumAnnotation, ZstdChunkedSpec.ManifestPositionAnnotation, ZstdChunkedSpec.TarSplitPositionAnnotation],
                a.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(result.TocDigest.ToString(), a[ZstdChunkedSpec.ManifestChecksumAnnotation]);
        }
        else
        {
            Assert.Equal([EStargzSpec.TocDigestAnnotation, EStargzSpec.UncompressedSizeAnnotation], a.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(result.TocDigest.ToString(), a[EStargzSpec.TocDigestAnnotation]);
            Assert.Equal(result.UncompressedSize.ToString(System.Globalization.CultureInfo.InvariantCulture), a[EStargzSpec.UncompressedSizeAnnotation]);
        }
    }
}
