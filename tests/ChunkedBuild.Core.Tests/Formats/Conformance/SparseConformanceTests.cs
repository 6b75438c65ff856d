using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Formats.ZstdChunked;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Tar;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Corpus;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.Conformance;

/// <summary>
/// Sparse files through every layer format (issue 16): each sparse corpus case (GNU tar --sparse in the old GNU format and in
/// PAX 0.0, 0.1 and 1.0, bsdtar's PAX 1.0, × name prefix) is converted with the default <see cref="SparseMode.Densify"/>. The
/// blob must decompress to a new tar whose sha256 is the DiffID the result claims, hold no sparse entry, pass the Core validator
/// and the oracle (which, for PAX sparse input, also compares every entry with Go's reading of the original), and give under GNU
/// tar exactly the files GNU tar extracts from the original.
/// </summary>
public abstract class SparseConformanceTests(TarCorpus corpus, ILayerFormat format, ILayerValidator validator, RefCheckMode refCheckMode)
{
    /// <summary>The input corpus (an assembly fixture).</summary>
    protected TarCorpus Corpus { get; } = corpus;

    /// <summary>The format under test.</summary>
    protected ILayerFormat Format { get; } = format;

    private string Scratch => Path.Combine(Corpus.Folder, "sparse-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [MemberData(nameof(TarCorpus.SparseCases), MemberType = typeof(TarCorpus))]
    public async Task Sparse_files_are_densified_and_the_blob_passes_the_validator_and_refcheck(TarCorpusCase corpusCase)
    {
        var built = Corpus.Get(corpusCase);
        var tar = await File.ReadAllBytesAsync(built.Path, TestContext.Current.CancellationToken);
        var layer = await ConvertedLayer.ConvertAsync(Format, tar, new FormatOptions { TempDirectory = Path.GetTempPath() });
        var result = layer.Result;

        // exactly the files with holes, in tar order, with their logical sizes
        var sparseFiles = built.Entries.Where(e => e.Spec is { Kind: TarEntryKind.File, Content.DataRegions: not null }).ToList();
        Assert.Equal(sparseFiles.Select(e => (e.ArchiveName, e.Spec.Content.Length)), result.DensifiedEntries.Select(d => (d.Name, d.Size)));
        Assert.All(result.DensifiedEntries, d => Assert.Equal(TarCorpus.SparseFormatOf(corpusCase.Producer), d.Format));

        // the descriptor facts; the DiffID is the sha256 of the decompressed blob, a new tar for every format
        Assert.Equal(Format.MediaType, result.MediaType);
        Assert.Equal(layer.Blob.LongLength, result.Size);
        Assert.Equal(Digest.Sha256Of(layer.Blob), result.Digest);
        var decompressed = LayerFormatConformanceTests.Decompress(layer.Blob, out _);
        Assert.Equal(Digest.Sha256Of(decompressed), result.DiffId);
        Assert.Equal(decompressed.LongLength, result.UncompressedSize);
        Assert.NotEqual(Digest.Sha256Of(tar), result.DiffId);
        using (var reader = new RawTarReader(new MemoryStream(decompressed)))
        {
            while (reader.ReadNext() is { } entry) Assert.False(entry.Info.IsSparse || entry.Info.TypeFlag == TarTypeFlag.GnuSparse, $"{entry.Info.Name} is still sparse");
        }

        var verdict = validator.Validate(new MemoryStream(layer.Blob, writable: false),
            new LayerValidationRequest { Annotations = result.Annotations, DiffId = result.DiffId });
        Assert.True(verdict.IsValid, $"{corpusCase}: validator failures:\n{string.Join('\n', verdict.Failures)}");

        // a cached copy of this layer is held to the same entries: the source densified as the writer densifies it
        var source = LayerOrigin.ReadSource(new MemoryStream(tar, writable: false), new FormatOptions { TempDirectory = Path.GetTempPath() }, TestContext.Current.CancellationToken);
        Assert.Equal(result.DensifiedEntries, source.Densified);
        var origin = LayerOrigin.Check(new MemoryStream(decompressed, writable: false), Format, source, new FormatOptions { TempDirectory = Path.GetTempPath() }, TestContext.Current.CancellationToken);
        Assert.True(origin.Count == 0, $"{corpusCase}: origin check failures:\n{string.Join('\n', origin)}");

        // Go's archive/tar reads PAX sparse entries as regular files, so the oracle compares the original with the blob entry by
        // entry; old GNU 'S' entries keep their typeflag there (the oracle skips them), so only the blob itself is checked.
        var blobPath = layer.SaveTo(Path.Combine(Corpus.Folder, "blobs"), corpusCase.Key);
        try
        {
            var arguments = RefCheckArguments(blobPath, result).ToList();
            if (corpusCase.Producer != "gnu-gnu-sparse") arguments.AddRange(["--tar", built.Path]);
            var check = RefCheck.Run([.. arguments]);
            Assert.True(check.Ok, $"{corpusCase}: {check}");
            if (arguments.Contains("--tar"))
                Assert.Equal(built.Entries.Count, check.Json!.RootElement.GetProperty("tar").GetProperty("compared_stream").GetInt32());
        }
        finally
        {
            File.Delete(blobPath);
        }
    }

    [Theory]
    [MemberData(nameof(TarCorpus.SparseCases), MemberType = typeof(TarCorpus))]
    public async Task Gnu_tar_extracts_from_the_converted_layer_the_files_it_extracts_from_the_original(TarCorpusCase corpusCase)
    {
        var built = Corpus.Get(corpusCase);
        var layer = await ConvertedLayer.ConvertAsync(Format, await File.ReadAllBytesAsync(built.Path, TestContext.Current.CancellationToken), new FormatOptions { TempDirectory = Path.GetTempPath() });
        var scratch = Scratch;
        try
        {
            var converted = Path.Combine(scratch, "converted.tar");
            Directory.CreateDirectory(scratch);
            await File.WriteAllBytesAsync(converted, LayerFormatConformanceTests.Decompress(layer.Blob, out _), TestContext.Current.CancellationToken);
            var fromOriginal = ExtractedTree.Extract(built.Path, Path.Combine(scratch, "original"));
            var fromConverted = ExtractedTree.Extract(converted, Path.Combine(scratch, "dense"))
                .Where(f => f.Path is not (".no.prefetch.landmark" or ".prefetch.landmark" or "stargz.index.json")).ToList();
            Assert.Equal(fromOriginal.Select(f => f.ToString()), fromConverted.Select(f => f.ToString()));
            Assert.Contains(fromOriginal, f => f.Path.EndsWith("sparse/big-hole.bin", StringComparison.Ordinal) && f.Size > TarCorpusCatalogue.BigHole);
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TarCorpus.SparseCases), MemberType = typeof(TarCorpus))]
    public async Task Densified_output_depends_neither_on_the_run_nor_on_the_thread_count(TarCorpusCase corpusCase)
    {
        var tar = await File.ReadAllBytesAsync(Corpus.Get(corpusCase).Path, TestContext.Current.CancellationToken);
        var single = await ConvertedLayer.ConvertAsync(Format, tar, new FormatOptions { TempDirectory = Path.GetTempPath(), DegreeOfParallelism = 1 });
        var parallel = await ConvertedLayer.ConvertAsync(Format, tar, new FormatOptions { TempDirectory = Path.GetTempPath(), DegreeOfParallelism = 2 });
        Assert.True(single.Blob.AsSpan().SequenceEqual(parallel.Blob), $"{corpusCase}: 1 thread and 2 threads wrote different bytes");
        Assert.Equal(single.Result.DensifiedEntries, parallel.Result.DensifiedEntries);
    }

    private string[] RefCheckArguments(string blobPath, LayerWriteResult result) => refCheckMode switch
    {
        RefCheckMode.ZstdChunked =>
        [
            "zstdchunked", blobPath,
            "--toc-digest", result.Annotations[ZstdChunkedSpec.ManifestChecksumAnnotation],
            "--manifest-checksum", result.Annotations[ZstdChunkedSpec.ManifestChecksumAnnotation],
            "--manifest-position", result.Annotations[ZstdChunkedSpec.ManifestPositionAnnotation],
            "--tarsplit-position", result.Annotations[ZstdChunkedSpec.TarSplitPositionAnnotation],
            "--diffid", result.DiffId.ToString(),
            "--lenient-chunk-digests",
        ],
        _ =>
        [
            "estargz", blobPath,
            "--toc-digest", result.Annotations[EStargzSpec.TocDigestAnnotation],
            "--diffid", result.DiffId.ToString(),
            "--uncompressed-size", result.UncompressedSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ],
    };
}

/// <summary>Sparse files into zstd:chunked; the holes must be <c>zeros</c> chunks.</summary>
public sealed class ZstdChunkedSparseConformanceTests(TarCorpus corpus)
    : SparseConformanceTests(corpus, LayerFormats.Get("zstd-chunked"), LayerFormats.Get("zstd-chunked").Validator, RefCheckMode.ZstdChunked)
{
    [Theory]
    [MemberData(nameof(TarCorpus.SparseCases), MemberType = typeof(TarCorpus))]
    public async Task Holes_become_zeros_chunks(TarCorpusCase corpusCase)
    {
        var layer = await ConvertedLayer.ConvertAsync(Format, await File.ReadAllBytesAsync(Corpus.Get(corpusCase).Path, TestContext.Current.CancellationToken), new FormatOptions { TempDirectory = Path.GetTempPath() });
        var toc = ZstdChunkedTocReader.ReadParsed(new MemoryStream(layer.Blob), layer.Result.Annotations).Toc;
        List<ZstdChunkedTocEntry> Chunks(string file) => [.. toc.Entries.Where(e => e.Name.EndsWith("sparse/" + file, StringComparison.Ordinal) && e.Type is "reg" or "chunk")];
        // data may be cut into several content-defined chunks: "data" stands for a run of them
        IEnumerable<string> Runs(string file) => Chunks(file).Select(c => c.ChunkType == "zeros" ? "zeros" : "data")
            .Aggregate(new List<string>(), (runs, kind) => { if (runs.Count == 0 || runs[^1] != kind || kind == "zeros") runs.Add(kind); return runs; });

        // a hole larger than 4 MiB is one zeros chunk between the two data blocks
        Assert.Equal(["data", "zeros", "data"], Runs("big-hole.bin"));
        Assert.Equal(TarCorpusCatalogue.BigHole, Chunks("big-hole.bin").Single(c => c.ChunkType == "zeros").ChunkSize);
        // a leading hole, a trailing hole
        Assert.Equal(["zeros", "data"], Runs("leading-hole.bin"));
        Assert.Equal(["data", "zeros"], Runs("trailing-hole.bin"));
        // every gap between the 40 regions (and the one after the last) is a zeros chunk of 15 blocks
        var many = Chunks("many-regions.bin");
        Assert.Equal(TarCorpusCatalogue.ManyRegions, many.Count(c => c.ChunkType == "zeros"));
        Assert.All(many.Where(c => c.ChunkType == "zeros"), c => Assert.Equal(15 * TarCorpusCatalogue.FileSystemBlock, c.ChunkSize));
        // a file that is all hole is a single chunk: c/storage writes no chunk fields for it
        var allHole = Assert.Single(Chunks("all-hole.bin"));
        Assert.Equal(3 << 20, allHole.Size);
    }
}

/// <summary>Sparse files into eStargz (the holes as zeros in its ordinary 4 MiB chunks).</summary>
public sealed class EStargzSparseConformanceTests(TarCorpus corpus)
    : SparseConformanceTests(corpus, LayerFormats.Get("estargz"), LayerFormats.Get("estargz").Validator, RefCheckMode.EStargz);
