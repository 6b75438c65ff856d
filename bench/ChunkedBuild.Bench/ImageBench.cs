using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using ChunkedBuild.Core.Conversion.Settings;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Oci;

namespace ChunkedBuild.Bench;

/// <summary>
/// The image-level figure: a multi-layer image (≥ 500 MB of layers by default) converted end to end by <c>ImageConverter</c> (both
/// variants, cache cold), next to the sum of the layer engine converting the same layers one by one in the same run (target: image
/// throughput ≥ 0.9× that sum), and the same conversion again with a warm cache (target ≤ 5% of the cold time). Runs interleave.
/// </summary>
internal static class ImageBench
{
    private const int LayerCount = 4;

    public static int Run(string work, long totalMb, int runs, string resultPath)
    {
        Console.WriteLine($"building a {LayerCount}-layer image of at least {totalMb} MB of layers from the .NET shared runtime…");
        var layout = Path.Combine(work, "image");
        var layerFiles = BuildImage(work, layout, totalMb * 1_000_000 / LayerCount);
        var layerBytes = layerFiles.Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"image: {LayerCount} gzip layers, {layerBytes / 1e6:F1} MB compressed, {Environment.ProcessorCount} cores");

        var engine = new List<double>();
        var cold = new List<double>();
        var warm = new List<double>();
        for (var round = 0; round <= runs; round++)
        {
            var sum = 0.0;
            foreach (var layer in layerFiles)
            {
                foreach (var (format, level) in new[] { ("zstd-chunked", 3), ("estargz", 6) })
                    sum += Time(["--child", format, layer, Path.Combine(work, "layer.out"), level.ToString(CultureInfo.InvariantCulture)]);
            }
            var cache = Path.Combine(work, $"cache{round}");
            var coldSeconds = Time(["--child-image", "oci:" + layout, "oci:" + Path.Combine(work, "out"), cache]);
            var warmSeconds = Time(["--child-image", "oci:" + layout, "oci:" + Path.Combine(work, "out"), cache]);
            Directory.Delete(cache, recursive: true);
            if (round == 0) continue; // warm-up round: JIT, page cache
            engine.Add(sum);
            cold.Add(coldSeconds);
            warm.Add(warmSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round}: layer engine sum {sum:F2} s, image cold {coldSeconds:F2} s, warm {warmSeconds:F2} s"));
        }
        var (bestEngine, bestCold, bestWarm) = (engine.Min(), cold.Min(), warm.Min());
        var throughputRatio = bestEngine / bestCold;
        var warmRatio = bestWarm / bestCold;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"image conversion throughput vs the layer engine's sum: {throughputRatio:F2}× (target ≥ 0.90×) {(throughputRatio >= 0.9 ? "met" : "NOT met")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-cache run: {bestWarm:F2} s = {100 * warmRatio:F1}% of the cold {bestCold:F2} s (target ≤ 5%) {(warmRatio <= 0.05 ? "met" : "NOT met")}"));
        Report.Save(resultPath, new
        {
            mode = "image",
            layers = LayerCount,
            layerBytes,
            cores = Environment.ProcessorCount,
            runs,
            engineSumSeconds = engine,
            coldSeconds = cold,
            warmSeconds = warm,
            throughputRatio,
            throughputTarget = 0.9,
            warmRatio,
            warmTarget = 0.05,
        });
        return 0;
    }

    /// <summary>Child mode: one image conversion (both variants) with the given cache folder; prints its elapsed time.</summary>
    public static async Task<int> ChildAsync(string[] args)
    {
        var clock = Stopwatch.StartNew();
        var transports = new ImageTransports(null, null);
        await using var source = transports.OpenSource(args[0]);
        await using var sink = transports.OpenSink(args[1], out _);
        var request = new ConversionRequest { TempDirectory = Path.GetTempPath(), CacheDirectory = args[2] == "-" ? null : args[2] };
        if (args.Length > 3) request = request with { Variants = ConversionSettings.Variants(new OptionText("--variant", args[3])) };
        await new ImageConverter(request with { Tags = [] }).ConvertAsync(source, sink);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"elapsed_s\":{clock.Elapsed.TotalSeconds:F4}}}"));
        return 0;
    }

    private static double Time(IReadOnlyList<string> childArgs)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(typeof(ImageBench).Assembly.Location);
        foreach (var a in childArgs) psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"child {string.Join(' ', childArgs)} failed: {stderr.Result}");
        return seconds;
    }

    internal static List<string> BuildImage(string work, string layout, long bytesPerLayer)
    {
        var tars = Enumerable.Range(0, LayerCount).Select(i => BenchInputs.RuntimeTar(work, bytesPerLayer, $"layer{i}")).ToList();
        var gzipped = new List<string>();
        foreach (var tar in tars)
        {
            var gz = tar + ".gz";
            using (var input = File.OpenRead(tar))
            using (var output = File.Create(gz))
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
                input.CopyTo(gzip);
            gzipped.Add(gz);
        }
        Directory.CreateDirectory(Path.Combine(layout, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(layout, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        var layers = new List<Descriptor>();
        foreach (var gz in gzipped)
        {
            Digest digest;
            using (var s = File.OpenRead(gz)) digest = Digest.Sha256Of(s);
            File.Copy(gz, Path.Combine(layout, "blobs", "sha256", digest.Hex));
            layers.Add(new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = digest, Size = new FileInfo(gz).Length });
        }
        var diffIds = tars.Select(t => { using var s = File.OpenRead(t); return Digest.Sha256Of(s); }).ToList();
        var config = TestImageLayout.Config("linux", "amd64", diffIds);
        var configDigest = TestImageLayout.WriteBlob(layout, config);
        var manifest = OciDocument<Manifest>.Create(new Manifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configDigest, Size = config.Length },
            Layers = layers,
        });
        TestImageLayout.WriteBlob(layout, manifest.Raw.ToArray());
        var index = OciDocument<ImageIndex>.Create(new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = [manifest.Describe(MediaTypes.OciManifest, annotations: new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = "bench" })],
        });
        File.WriteAllBytes(Path.Combine(layout, "index.json"), index.Raw.ToArray());
        foreach (var tar in tars) File.Delete(tar);
        return gzipped;
    }
}
