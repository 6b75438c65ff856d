using System.Collections.Concurrent;
using Xunit;

namespace ChunkedBuild.Testing.Corpus;

/// <summary>
/// The conformance input corpus: every producer × name prefix over <see cref="TarCorpusCatalogue.Awkward"/>, and every sparse
/// producer × name prefix over <see cref="TarCorpusCatalogue.Sparse"/> (the files with holes).
/// Register it as an assembly fixture (<c>[assembly: AssemblyFixture(typeof(TarCorpus))]</c>) and take it in a test
/// class constructor: tars are built lazily on first use, once per test run, into a temp folder removed on dispose.
/// </summary>
public sealed class TarCorpus : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<BuiltTar>> _built = new(StringComparer.Ordinal);

    /// <summary>The producers of the corpus.</summary>
    public static IReadOnlyList<ITarProducer> Producers { get; } =
    [
        new GnuTarProducer("ustar"), new GnuTarProducer("gnu"), new GnuTarProducer("posix"),
        new BsdTarProducer("ustar"), new BsdTarProducer("gnutar"), new BsdTarProducer("pax"),
        new DotNetTarProducer("pax"), new DotNetTarProducer("mixed"),
    ];

    /// <summary>
    /// The producers that write files with holes as sparse entries: GNU tar <c>--sparse</c> in the old GNU format ('S' headers with
    /// extension blocks) and in PAX with each <c>--sparse-version</c>, and bsdtar's pax format (PAX 1.0; its ustar and gnutar formats
    /// store such files dense).
    /// </summary>
    public static IReadOnlyList<ITarProducer> SparseProducers { get; } =
    [
        new GnuTarProducer("gnu", sparse: true), new GnuTarProducer("posix", sparse: true, sparseVersion: "0.0"),
        new GnuTarProducer("posix", sparse: true, sparseVersion: "0.1"), new GnuTarProducer("posix", sparse: true, sparseVersion: "1.0"),
        new BsdTarProducer("pax", sparse: true),
    ];

    /// <summary>
    /// How a sparse producer stores files with holes, as ChunkedBuild labels sparse encodings: <c>gnu-old</c> for GNU tar's gnu format,
    /// <c>pax-1.0</c> for bsdtar, else <c>pax-</c> and the <c>--sparse-version</c> GNU tar was given.
    /// </summary>
    public static string SparseFormatOf(string producer) => producer switch
    {
        "gnu-gnu-sparse" => "gnu-old",
        "bsdtar-pax-sparse" => "pax-1.0",
        _ when producer.StartsWith("gnu-posix-sparse-", StringComparison.Ordinal) => "pax-" + producer["gnu-posix-sparse-".Length..],
        _ => throw new ArgumentException($"'{producer}' is not a sparse producer"),
    };

    /// <summary>The name prefixes: plain, <c>./</c> and absolute.</summary>
    public static IReadOnlyList<string> Prefixes { get; } = ["", "./", "/"];

    /// <summary>The only producers whose plain-prefix case also carries the big files (to keep the suite fast).</summary>
    public static IReadOnlyList<string> BigFileProducers { get; } = ["dotnet-pax", "gnu-posix"];

    /// <summary>The folder holding this run's tars.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "chunkedbuild-corpus", $"{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>Every case, as xunit theory data.</summary>
    public static TheoryData<TarCorpusCase> Cases
    {
        get
        {
            var data = new TheoryData<TarCorpusCase>();
            foreach (var c in AllCases()) data.Add(c);
            return data;
        }
    }

    /// <summary>Every case: producers × prefixes; the big-file producers get their plain case with big files.</summary>
    public static IEnumerable<TarCorpusCase> AllCases() =>
        from p in Producers
        from prefix in Prefixes
        select new TarCorpusCase(p.Id, prefix, withBigFiles: prefix == "" && BigFileProducers.Contains(p.Id));

    /// <summary>Every sparse case, as xunit theory data.</summary>
    public static TheoryData<TarCorpusCase> SparseCases
    {
        get
        {
            var data = new TheoryData<TarCorpusCase>();
            foreach (var c in AllSparseCases()) data.Add(c);
            return data;
        }
    }

    /// <summary>Every sparse case: sparse producers × prefixes over the files with holes.</summary>
    public static IEnumerable<TarCorpusCase> AllSparseCases() =>
        from p in SparseProducers
        from prefix in Prefixes
        select new TarCorpusCase(p.Id, prefix, withBigFiles: false, sparse: true);

    /// <summary>The producer with id <paramref name="id"/>.</summary>
    public static ITarProducer Producer(string id) =>
        Producers.Concat(SparseProducers).FirstOrDefault(p => p.Id == id) ?? throw new ArgumentException($"no tar producer '{id}'");

    /// <summary>
    /// The tar of <paramref name="corpusCase"/>, built on first use. When the producer cannot run here the calling test
    /// is skipped (xunit dynamic skip) with the reason.
    /// </summary>
    public BuiltTar Get(TarCorpusCase corpusCase)
    {
        var producer = Producer(corpusCase.Producer);
        if (producer.UnavailableReason is { } reason) Assert.Skip($"{producer.Id}: {reason}");
        return _built.GetOrAdd(corpusCase.Key, key => new Lazy<BuiltTar>(() =>
        {
            Directory.CreateDirectory(Folder);
            return producer.Build(corpusCase.Spec, corpusCase.Prefix, Path.Combine(Folder, key + ".tar"));
        }, LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>Removes this run's tars.</summary>
    public void Dispose()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
