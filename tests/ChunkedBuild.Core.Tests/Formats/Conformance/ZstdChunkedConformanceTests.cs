using ChunkedBuild.Core.Formats;
using ChunkedBuild.Testing.Corpus;

namespace ChunkedBuild.Core.Tests.Formats.Conformance;

/// <summary>zstd:chunked at its default level over the whole corpus.</summary>
public sealed class ZstdChunkedConformanceTests(TarCorpus corpus)
    : LayerFormatConformanceTests(corpus, LayerFormats.Get("zstd-chunked"), LayerFormats.Get("zstd-chunked").Validator, RefCheckMode.ZstdChunked);

/// <summary>zstd:chunked at level 1 (a different encoder configuration; the format must not care).</summary>
public sealed class ZstdChunkedLevel1ConformanceTests(TarCorpus corpus)
    : LayerFormatConformanceTests(corpus, LayerFormats.Get("zstd-chunked"), LayerFormats.Get("zstd-chunked").Validator, RefCheckMode.ZstdChunked,
        new FormatOptions { TempDirectory = Path.GetTempPath(), Level = 1 });
