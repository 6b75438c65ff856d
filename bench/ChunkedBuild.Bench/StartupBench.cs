using System.Globalization;
using System.IO.Compression;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Oci.Layout;
using ChunkedBuild.Testing.Images;

namespace ChunkedBuild.Bench;

/// <summary>
/// The lazy-pull figure (<c>--startup</c>): the sample app image on a real .NET runtime base — the test system layer, the whole installed
/// Microsoft.NETCore.App as the official images lay it out (<see cref="DotnetRuntimeLayer"/>, gzip Optimal), and the app layer of
/// <c>samples/images/hello</c> (entrypoint <c>dotnet /app/hello.dll</c>) — converted with <c>auto</c> prioritization and with none; for each
/// variant, the bytes a lazy puller fetches before the app starts (<see cref="StartupCostEstimator"/>, startup list <c>auto</c>) against
/// the original image's compressed size. Target: eStargz with <c>auto</c> ≤ 15%.
/// </summary>
internal static class StartupBench
{
    private const double Target = 0.15;

    public static async Task<int> RunAsync(string work, string resultPath)
    {
        Console.WriteLine("building the sample app image on a runtime base from the installed .NET runtime…");
        var runtime = DotnetRuntimeLayer.Build(new DotnetRuntimeLayerOptions { AllFrameworkFiles = true, Level = CompressionLevel.Optimal }, out var reason)
            ?? throw new InvalidOperationException(reason);
        var source = Path.Combine(work, "startup-image");
        DotnetBaseImage.Write(source, "bench", [TestLayers.System(TestPlatform.Amd64), runtime.Layer, SampleAppLayer()], runtime.Runtime.Version,
            entrypoint: ["dotnet", "/app/hello.dll"], workingDir: "/app/");

        var rows = new List<(string Prioritization, ManifestStartupCost Cost)>();
        PrioritizationPlan? plan = null;
        foreach (var mode in new[] { PrioritizationMode.Auto, PrioritizationMode.None })
        {
            var output = Path.Combine(work, "startup-" + mode.ToString().ToLowerInvariant());
            var transports = new ImageTransports(null, null);
            await using (var src = transports.OpenSource("oci:" + source + ":bench"))
            await using (var sink = transports.OpenSink("oci:" + output + ":bench", out _))
            {
                var request = new ConversionRequest { Variants = [LayerVariant.EStargz, LayerVariant.Original, LayerVariant.ZstdChunked], Prioritization = mode, Tags = ["bench"] };
                await new ImageConverter(request).ConvertAsync(src, sink);
            }
            await using var converted = transports.OpenSource("oci:" + output + ":bench");
            var report = await StartupCostEstimator.EstimateAsync(converted, StartupList.Auto, work);
            var platform = report.Platforms.Single();
            plan ??= platform.Plan;
            foreach (var manifest in platform.Manifests.Where(m => mode == PrioritizationMode.Auto || m.Variant != "original"))
                rows.Add((manifest.Variant == "original" ? "-" : mode.ToString().ToLowerInvariant(), manifest));
        }

        var imageBytes = rows.Single(r => r.Cost.Variant == "original").Cost.ImageBytes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"image: 3 layers, {imageBytes / 1e6:F1} MB compressed (gzip); startup list (auto): {plan!.Paths.Count} files{(plan.Reason is { } r ? " — " + r : "")}"));
        Console.WriteLine();
        Console.WriteLine($"{"variant",-14}{"prioritization",-16}{"bytes to start",16}{"ranges",8}{"of image",10}{"variant size",14}");
        foreach (var (prioritization, cost) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{cost.Variant,-14}{prioritization,-16}{cost.StartupBytes / 1e6,13:F2} MB{cost.Ranges,8}{100.0 * cost.StartupBytes / imageBytes,9:F1}%{cost.ImageBytes / 1e6,11:F1} MB"));
        }
        var auto = rows.Single(r => r.Cost.Variant == "estargz" && r.Prioritization == "auto").Cost;
        var share = (double)auto.StartupBytes / imageBytes;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"eStargz with auto prioritization starts after {100 * share:F1}% of the image's compressed bytes (target ≤ {100 * Target:F0}%) {(share <= Target ? "met" : "NOT met")}"));
        Report.Save(resultPath, new
        {
            mode = "startup",
            runtime = runtime.Runtime.Version,
            imageBytes,
            startupFiles = plan.Paths,
            variants = rows.Select(r => new
            {
                variant = r.Cost.Variant,
                prioritization = r.Prioritization,
                startupBytes = r.Cost.StartupBytes,
                ranges = r.Cost.Ranges,
                variantBytes = r.Cost.ImageBytes,
                shareOfImage = (double)r.Cost.StartupBytes / imageBytes,
                layers = r.Cost.Layers.Select(l => new { l.Format, l.PrefetchBytes, l.OnDemandBytes, l.MetadataBytes, l.WholeBytes, l.ListedFiles, l.FilesOnDemand, l.Ranges }),
            }),
            target = Target,
            met = share <= Target,
        });
        return 0;
    }

    /// <summary>The app layer (<c>/app/…</c>, the SDK's) of <c>samples/images/hello</c>, with its diff ID from the sample's config.</summary>
    private static TestLayer SampleAppLayer()
    {
        var reader = new OciLayoutReader(Path.Combine(BenchOptions.RepoRoot(), "samples", "images", "hello"));
        var manifest = reader.ReadDocument<Manifest>(reader.Resolve("latest")).Value;
        var config = ImageConfig.Parse(reader.ReadBlob(manifest.Config.Digest));
        var app = manifest.Layers.Count - 1;
        return new TestLayer(reader.ReadBlob(manifest.Layers[app].Digest), config.DiffIds[app].ToString());
    }
}
