using System.Text.Json;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Tar;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Corpus;
using Xunit;

namespace ChunkedBuild.Core.Tests.Formats.Conformance;

/// <summary>The eStargz suite: the common conformance checks plus the landmark rules (docs/formats.md §3.5).</summary>
public abstract class EStargzConformanceTestsBase(TarCorpus corpus, FormatOptions? options)
    : LayerFormatConformanceTests(corpus, LayerFormats.Get("estargz"), LayerFormats.Get("estargz").Validator, RefCheckMode.EStargz, options)
{
    private const string PrefetchLandmark = ".prefetch.landmark";
    private const string NoPrefetchLandmark = ".no.prefetch.landmark";

    [Theory]
    [MemberData(nameof(TarCorpus.Cases), MemberType = typeof(TarCorpus))]
    public async Task Without_prioritized_files_the_no_prefetch_landmark_comes_first(TarCorpusCase corpusCase)
    {
        var built = Corpus.Get(corpusCase);
        var tar = await File.ReadAllBytesAsync(built.Path, TestContext.Current.CancellationToken);
        var layer = await ConvertedLayer.ConvertAsync(Format, tar, Options with { PrioritizedFiles = [] });

        var names = TocNames(layer, corpusCase.Key);
        Assert.Equal(NoPrefetchLandmark, names[0]);
        Assert.DoesNotContain(PrefetchLandmark, names);
        Assert.Equal(built.Entries.Select(e => Clean(e.ArchiveName)), names.Skip(1).Select(Clean));
    }

    [Theory]
    [MemberData(nameof(TarCorpus.Cases), MemberType = typeof(TarCorpus))]
    public async Task A_prioritized_file_comes_first_after_its_parents_and_is_followed_by_the_prefetch_landmark(TarCorpusCase corpusCase)
    {
        var built = Corpus.Get(corpusCase);
        var file = built.FirstNestedFile;
        var tar = await File.ReadAllBytesAsync(built.Path, TestContext.Current.CancellationToken);
        var layer = await ConvertedLayer.ConvertAsync(Format, tar, Options with { PrioritizedFiles = [file.Spec.Name] });

        var names = TocNames(layer, corpusCase.Key).Select(Clean).ToList();
        var landmark = names.IndexOf(PrefetchLandmark);
        Assert.True(landmark > 0, $"{corpusCase}: no {PrefetchLandmark} after the prioritized file: {string.Join(", ", names)}");
        Assert.DoesNotContain(NoPrefetchLandmark, names);
        var parents = Ancestors(file.Spec.Name).ToList();
        Assert.Equal([.. parents, Clean(file.Spec.Name)], names.Take(landmark));

        // the reordered blob is still a valid layer for the outside reader
        var blobPath = layer.SaveTo(BlobFolder, corpusCase.Key + "-prioritized");
        try
        {
            var check = RefCheck.Run(RefCheckArguments(blobPath, built.Path, layer.Result));
            Assert.True(check.Ok, $"{corpusCase}: {check}");
        }
        finally
        {
            File.Delete(blobPath);
        }
    }

    /// <summary>The TOC entry names (chunk entries left out) as the oracle reads them from the blob.</summary>
    private List<string> TocNames(ConvertedLayer layer, string key)
    {
        var blobPath = layer.SaveTo(BlobFolder, key + "-toc");
        try
        {
            var dump = ProcessRunner.Run(RefCheck.PathToBinary, ["info", blobPath, "--dump-toc"]);
            Assert.True(dump.ExitCode == 0, $"chunkedoracle info --dump-toc failed: {dump.StdErr}");
            using var toc = JsonDocument.Parse(dump.StdOut);
            return toc.RootElement.GetProperty("entries").EnumerateArray()
                .Where(e => e.GetProperty("type").GetString() != "chunk")
                .Select(e => e.GetProperty("name").GetString()!)
                .ToList();
        }
        finally
        {
            File.Delete(blobPath);
        }
    }

    /// <summary>The name as readers compare it: clean("/" + name) without the leading '/'.</summary>
    private static string Clean(string name) => TarPath.CleanAbsolute(name).TrimStart('/');

    private static IEnumerable<string> Ancestors(string name)
    {
        var parts = name.TrimEnd('/').Split('/');
        for (var i = 1; i < parts.Length; i++) yield return string.Join('/', parts[..i]);
    }
}

/// <summary>eStargz at its default level over the whole corpus.</summary>
public sealed class EStargzConformanceTests(TarCorpus corpus) : EStargzConformanceTestsBase(corpus, null);

/// <summary>eStargz at gzip level 1 (a different encoder configuration; the format must not care).</summary>
public sealed class EStargzLevel1ConformanceTests(TarCorpus corpus) : EStargzConformanceTestsBase(corpus, new FormatOptions { TempDirectory = Path.GetTempPath(), Level = 1 });

/// <summary>The eStargz suite with the zlib-ng engine pinned: the fallback of machines without libdeflate writes valid layers too.</summary>
public sealed class EStargzZlibNgConformanceTests(TarCorpus corpus) : EStargzConformanceTestsBase(corpus, new FormatOptions { TempDirectory = Path.GetTempPath(), DeflateEngine = DeflateEngines.ZlibNg });
