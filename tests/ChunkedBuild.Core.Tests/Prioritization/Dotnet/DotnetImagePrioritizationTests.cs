using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Formats.EStargz;
using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Prioritization.Dotnet;

/// <summary>
/// The .NET startup inference end to end: the SDK publishes the sample app (framework-dependent) on <c>dotnet-base:1</c>, a base whose runtime
/// layer is copied from this machine's installed runtime (trimmed to the host's files, the app's references and the small assemblies, plus
/// decoys; see <see cref="DotnetRuntimeLayer"/>), and <see cref="ImageConverter"/> converts it with the default (auto) prioritization.
/// </summary>
public sealed class DotnetImagePrioritizationTests(PublishedImages images) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-e2e-prio-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Auto_prioritization_lists_the_startup_files_and_the_landmark_follows_them_in_each_layer()
    {
        var archive = await images.DotnetAppArchiveAsync();
        var (_, runtime) = await images.DotnetBaseImageAsync();
        var output = Path.Combine(_root, "out");
        var result = await ConvertAsync(archive.ArchivePath, output, new ConversionRequest { TempDirectory = Path.GetTempPath(), GzipLevel = 1, ZstdLevel = 1 });

        // The plan: the app, its deps/runtimeconfig, the runtime's CoreLib and coreclr; no docs, symbols or test assemblies.
        var plan = Assert.Single(result.Plans.Values);
        Assert.Equal("auto", plan.Source);
        var framework = $"/usr/share/dotnet/shared/Microsoft.NETCore.App/{runtime.Runtime.Version}";
        foreach (var expected in new[]
                 {
                     "/app/hello.dll", "/app/hello.deps.json", "/app/hello.runtimeconfig.json", $"{framework}/System.Private.CoreLib.dll",
                     $"{framework}/libcoreclr.so", $"{framework}/libhostpolicy.so", $"/usr/share/dotnet/host/fxr/{runtime.Runtime.FxrVersion}/libhostfxr.so",
                 })
            Assert.Contains(expected, plan.Paths);
        Assert.DoesNotContain(plan.Paths, p => p.EndsWith(".xml", StringComparison.Ordinal) || p.EndsWith(".pdb", StringComparison.Ordinal)
            || p.Contains("xunit", StringComparison.OrdinalIgnoreCase) || runtime.Decoys.Contains(p));
        var order = plan.Paths.ToList();
        Assert.True(order.IndexOf("/app/hello.runtimeconfig.json") < order.IndexOf($"{framework}/System.Private.CoreLib.dll"));
        Assert.True(order.IndexOf($"{framework}/libcoreclr.so") < order.IndexOf("/app/hello.dll"));

        // Every layer passes the oracle and decompresses to its DiffID.
        var verified = ConvertedImageVerifier.Verify(output, "t");
        var estargz = verified.Where(l => l.Kind == "estargz").ToList();
        Assert.Equal(plan.Layers.Count, estargz.Count);

        // In each eStargz layer: the landmark right after the last prioritized entry, or the no-prefetch landmark when none is.
        var reader = new OciLayoutReader(output);
        var withPrefetch = 0;
        for (var i = 0; i < estargz.Count; i++)
        {
            using var blob = reader.OpenBlob(estargz[i].Layer);
            using var copy = new MemoryStream();
            blob.CopyTo(copy);
            var entries = LayerFormats.EStargz.ReadToc(copy, estargz[i].Layer.Annotations).Entries;
            var prioritized = plan.Layers[i].Select(EStargzTocEntry.CleanEntryName).ToHashSet(StringComparer.Ordinal);
            var names = entries.Select(e => EStargzTocEntry.CleanEntryName(e.Name)).ToList();
            if (prioritized.Count == 0)
            {
                Assert.Contains(EStargzSpec.NoPrefetchLandmark, names);
                Assert.DoesNotContain(EStargzSpec.PrefetchLandmark, names);
                continue;
            }
            withPrefetch++;
            Assert.DoesNotContain(EStargzSpec.NoPrefetchLandmark, names);
            var last = names.FindLastIndex(prioritized.Contains);
            Assert.Equal(EStargzSpec.PrefetchLandmark, names[last + 1]);
            // Every prioritized file sits before the landmark; a file that is not listed sits after it.
            Assert.All(prioritized, p => Assert.True(names.IndexOf(p) < last + 1, p));
            Assert.Contains(entries.Skip(last + 2), e => e.Type == TocEntryTypes.Regular && !prioritized.Contains(EStargzTocEntry.CleanEntryName(e.Name)));
        }
        Assert.Equal(2, withPrefetch); // the runtime layer and the app layer; the system layer has nothing the app reads

        // The cost report on the converted image: auto's eStargz start is a small part of the image, the original is the whole image.
        await using var converted = new ImageTransports(null, null).OpenSource("oci:" + output + ":t");
        var report = await StartupCostEstimator.EstimateAsync(converted, StartupList.Auto, _root, TestContext.Current.CancellationToken);
        var platform = Assert.Single(report.Platforms);
        Assert.Equal(plan.Paths, platform.Plan.Paths);
        var byVariant = platform.Manifests.ToDictionary(m => m.Variant);
        Assert.Equal(["estargz", "zstd-chunked"], byVariant.Keys.Order(StringComparer.Ordinal));
        await using var original = new ImageTransports(null, null).OpenSource(archive.ArchivePath);
        var full = Assert.Single(Assert.Single((await StartupCostEstimator.EstimateAsync(original, StartupList.Auto, _root, TestContext.Current.CancellationToken)).Platforms).Manifests);
        Assert.Equal("original", full.Variant);
        Assert.Equal(full.ImageBytes, full.StartupBytes);
        // The trimmed runtime layer is mostly the startup files (CoreLib, coreclr, clrjit: ~27 of ~36 MB); the other ~140 sampled
        // assemblies (~6.5 MB uncompressed) are not fetched: more than 1 MB of compressed bytes stays behind in both lazy variants.
        foreach (var variant in new[] { "estargz", "zstd-chunked" })
            Assert.True(byVariant[variant].ImageBytes - byVariant[variant].StartupBytes > 1_000_000, $"{variant}: {byVariant[variant].StartupBytes} of {byVariant[variant].ImageBytes}");
        // eStargz: everything listed is inside the prefetch ranges (CoreLib alone compresses to several MB), nothing is fetched on demand.
        Assert.True(byVariant["estargz"].Layers.Sum(l => l.PrefetchBytes) > 3_000_000);
        Assert.All(byVariant["estargz"].Layers, l => Assert.Equal(0, l.FilesOnDemand));
        Assert.Equal(plan.Paths.Count, byVariant["estargz"].Layers.Sum(l => l.ListedFiles));
        // zstd:chunked: the listed regular files' frames (the /usr/bin/dotnet symlink has none).
        Assert.Equal(plan.Paths.Count - 1, byVariant["zstd-chunked"].Layers.Sum(l => l.FilesOnDemand));
    }

    private static async Task<ConversionResult> ConvertAsync(string source, string layout, ConversionRequest request)
    {
        var transports = new ImageTransports(null, null);
        await using var src = transports.OpenSource(source);
        await using var sink = transports.OpenSink("oci:" + layout + ":t", out var tag);
        return await new ImageConverter(request with { Tags = [tag!] }).ConvertAsync(src, sink, TestContext.Current.CancellationToken);
    }
}
