using System.Globalization;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Prioritization.FileView;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Images;

namespace ChunkedBuild.Bench;

/// <summary>
/// The lazy-pull figure (<c>--startup</c>), on images built like the official .NET ones from THIS machine (Debian 12, the installed .NET):
/// <list type="bullet">
/// <item>A: the hello console app of <c>samples/images/hello</c> on a <c>runtime:10.0</c>-like base — the OS layer (debian:bookworm-slim:
/// the required packages and their closure, slim excludes, <see cref="DebianBaseLayers"/>), the runtime-deps layer (ca-certificates, ICU,
/// OpenSSL, tzdata, …), the whole installed Microsoft.NETCore.App (<see cref="DotnetRuntimeLayer"/>, no decoys);</item>
/// <item>B: <c>samples/app</c> (ASP.NET Core, published by the SDK in the run, <see cref="StartupApps.SampleApp"/>) on an
/// <c>aspnet:10.0</c>-like base: the same three layers plus Microsoft.AspNetCore.App (<see cref="SharedFrameworkLayer"/>). This is the image
/// the issue's target names.</item>
/// </list>
/// Layers are gzip Optimal, entrypoint <c>dotnet /app/&lt;app&gt;.dll</c>, WorkingDir <c>/app</c>, the official images' env. Each image is
/// converted with <c>auto</c> prioritization and with none (eStargz, original, zstd:chunked); for each variant the bench prints the bytes a
/// lazy puller fetches before the app starts (<see cref="StartupCostEstimator"/>) for two startup lists: <c>auto</c> (the planner's
/// inference) and <c>measured</c> — the files a real start of the app on this machine read (<see cref="MeasuredStart"/>: page cache dropped,
/// residency after the start, whole files; readahead makes residency whole-file in practice), so the <c>none</c> layout with the measured
/// list is the floor of a whole-file lazy pull. Also printed: the precision/recall of the auto list against the measured one.
/// Target: image B, eStargz with <c>auto</c> ≤ 15% of the image's compressed size.
/// </summary>
internal static class StartupBench
{
    private const double Target = 0.15;

    private sealed record Row(string Variant, string Layout, string List, ManifestStartupCost Cost);

    public static async Task<int> RunAsync(string work, string resultPath)
    {
        Console.WriteLine("building the base layers from this machine (dpkg database, installed .NET) and publishing samples/app…");
        var set = StartupImages.Build(work);
        var (debian, runtime, aspnet) = (set.Debian, set.Runtime, set.AspNetCore);
        var osRelease = StartupImages.DebianRelease;
        Console.WriteLine(set.Describe());
        var osFiles = set.OsFiles;
        var images = set.Images;
        var regularFiles = set.BaseFiles;

        var results = new List<object>();
        double? targetShare = null, measuredShare = null, floorShare = null;
        foreach (var image in images)
        {
            Console.WriteLine();
            var result = await MeasureAsync(work, image, runtime, osFiles, regularFiles);
            results.Add(result.Json);
            if (image.Id == "B") (targetShare, measuredShare, floorShare) = (result.AutoShare, result.MeasuredShare, result.FloorShare);
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"image B, eStargz with auto prioritization: starts after {100 * targetShare:F1}% of the image's compressed bytes by the auto list " +
            $"(target ≤ {100 * Target:F0}%) {(targetShare <= Target ? "met" : "NOT met")}; the real start on that layout {100 * measuredShare:F1}%; " +
            $"the real start's files alone {100 * floorShare:F1}%, the floor of any whole-file ordering {(floorShare <= Target ? "(within the target)" : "(above the target)")}"));
        Report.Save(resultPath, new
        {
            mode = "startup",
            os = "Debian " + osRelease,
            osPackages = debian.Os.PackageVersions,
            runtimeDepsPackages = debian.RuntimeDeps.PackageVersions,
            runtime = runtime.Runtime.Version,
            aspNetCore = aspnet.Version,
            images = results,
            target = Target,
            targetImage = "B",
            met = targetShare <= Target,
            measuredMet = measuredShare <= Target,
            floorShare,
            floorWithinTarget = floorShare <= Target,
            note = "measured = files a real start on this machine read (page cache dropped first, residency after); whole files (readahead makes residency whole-file in practice)",
        });
        return 0;
    }

    /// <summary>One image's figures: the JSON, and eStargz bytes-to-start as shares of the image (auto list; the real start on the auto
    /// layout; the real start's files alone, the floor of any whole-file ordering).</summary>
    private sealed record ImageResult(object Json, double AutoShare, double MeasuredShare, double FloorShare);

    private static async Task<ImageResult> MeasureAsync(string work, StartupImage image, DotnetRuntimeImageLayer runtime,
        IReadOnlyDictionary<string, string> osFiles, HashSet<string> baseFiles)
    {
        var id = image.Id.ToLowerInvariant();
        var source = Path.Combine(work, "startup-" + id);
        image.Write(source, runtime.Runtime.Version);
        var imageBytes = image.CompressedBytes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"image {image.Id}: {image.Title}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"layers (gzip Optimal): {string.Join(", ", image.Layers.Select(l => $"{l.Name} {l.Layer.Gzip.Length / 1e6:F2} MB" + (l.TarBytes is { } t ? $" ({t / 1e6:F1} MB tar)" : "")))}; total {imageBytes / 1e6:F1} MB"));

        var measured = MeasuredStart.Run(Path.Combine(work, "measure-" + id), image.App, runtime.Runtime, image.Frameworks, osFiles);
        var measuredList = Path.Combine(work, $"measured-{id}.txt");
        await File.WriteAllLinesAsync(measuredList, ["# files a real start read (ChunkedBuild bench)", .. measured.ImagePaths]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"real start on this machine: {measured.ImagePaths.Count} files read ({measured.FileBytes / 1e6:F1} MB; {measured.ResidentBytes / 1e6:F1} MB of them cached afterwards), " +
            $"{measured.Milliseconds} ms; read outside the image: {(measured.OutsideImage.Count == 0 ? "none" : string.Join(", ", measured.OutsideImage))}; " +
            $"cached before the start and not reported by the loader (not counted): {measured.Uncertain.Count}; files count whole (readahead makes residency whole-file in practice)"));
        if (measured.Mapped is { } mapped)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pages the started server maps from its {mapped.Files} mapped files: {mapped.RssBytes / 1e6:F1} of {mapped.FileBytes / 1e6:F1} MB " +
                $"({100.0 * mapped.RssBytes / mapped.FileBytes:F0}%; smaps Rss, fault-around included): a page-granular lazy fetch could save at most the rest"));
        }

        var rows = new List<Row>();
        PrioritizationPlan? plan = null;
        foreach (var mode in new[] { PrioritizationMode.Auto, PrioritizationMode.None })
        {
            var layout = mode.ToString().ToLowerInvariant();
            var output = Path.Combine(work, $"startup-{id}-{layout}");
            var transports = new ImageTransports(null, null);
            await using (var src = transports.OpenSource("oci:" + source + ":bench"))
            await using (var sink = transports.OpenSink("oci:" + output + ":bench", out _))
            {
                var request = new ConversionRequest { TempDirectory = Path.GetTempPath(), Variants = [LayerVariant.EStargz, LayerVariant.Original, LayerVariant.ZstdChunked], Prioritization = mode, Tags = ["bench"] };
                await new ImageConverter(request).ConvertAsync(src, sink);
            }
            foreach (var (list, startup) in new[] { ("auto", StartupList.Auto), ("measured", new StartupList(PrioritizationMode.Record, measuredList)) })
            {
                await using var converted = transports.OpenSource("oci:" + output + ":bench");
                var platform = (await StartupCostEstimator.EstimateAsync(converted, startup, work)).Platforms.Single();
                if (list == "auto") plan ??= platform.Plan;
                foreach (var manifest in platform.Manifests)
                {
                    if (manifest.Variant == "original")
                    {
                        if (mode == PrioritizationMode.Auto && list == "auto") rows.Insert(0, new Row("original", "-", "-", manifest));
                        continue;
                    }
                    rows.Add(new Row(manifest.Variant, layout, list, manifest));
                }
            }
        }
        rows = [.. rows.OrderBy(r => r.Variant == "original" ? 0 : r.Variant == "estargz" ? 1 : 2)];

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"startup list (auto): {plan!.Paths.Count} paths{(plan.Reason is { } why ? " — " + why : "")}"));
        Console.WriteLine($"{"variant",-14}{"layout",-8}{"start list",-12}{"bytes to start",16}{"ranges",8}{"of image",10}{"variant size",14}");
        foreach (var row in rows)
        {
            var c = row.Cost;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{row.Variant,-14}{row.Layout,-8}{row.List,-12}{c.StartupBytes / 1e6,13:F2} MB{c.Ranges,8}{100.0 * c.StartupBytes / imageBytes,9:F1}%{c.ImageBytes / 1e6,11:F1} MB"));
        }

        // Precision/recall of the auto list against the real start, on regular files.
        var files = new HashSet<string>(baseFiles, StringComparer.Ordinal);
        files.UnionWith(Directory.GetFiles(image.App.Folder, "*", SearchOption.AllDirectories).Select(f => "/app/" + Path.GetRelativePath(image.App.Folder, f).Replace('\\', '/')));
        var auto = plan.Paths.Select(ImagePath.Normalize).Where(files.Contains).ToHashSet(StringComparer.Ordinal);
        var read = measured.ImagePaths.ToHashSet(StringComparer.Ordinal);
        var notRead = auto.Where(p => !read.Contains(p)).Order(StringComparer.Ordinal).ToList();
        var missed = read.Where(p => !auto.Contains(p)).Order(StringComparer.Ordinal).ToList();
        var both = auto.Count - notRead.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"auto list vs real start (regular files): precision {Ratio(both, auto.Count)} ({both}/{auto.Count}), recall {Ratio(both, read.Count)} ({both}/{read.Count})"));
        Console.WriteLine($"  in auto, not read ({notRead.Count}){Names(notRead)}");
        Console.WriteLine($"  read, not in auto ({missed.Count}){Names(missed)}");

        var estargz = rows.Single(r => r.Variant == "estargz" && r.Layout == "auto" && r.List == "auto").Cost;
        var estargzMeasured = rows.Single(r => r.Variant == "estargz" && r.Layout == "auto" && r.List == "measured").Cost;
        // The floor of any whole-file ordering: exactly the files the real start read, nothing else (no prefetch range, each file once).
        var estargzFloor = rows.Single(r => r.Variant == "estargz" && r.Layout == "none" && r.List == "measured").Cost;
        var json = new
        {
            image = image.Id,
            title = image.Title,
            app = image.App.Name,
            imageBytes,
            layers = image.Layers.Select(l => new { l.Name, gzipBytes = l.Layer.Gzip.Length, tarBytes = l.TarBytes, diffId = l.Layer.DiffId }),
            autoList = plan.Paths,
            autoReason = plan.Reason,
            measured = new
            {
                files = measured.ImagePaths, measured.FileBytes, measured.ResidentBytes, measured.Milliseconds, measured.OutsideImage, measured.Uncertain, measured.Mapped,
            },
            precision = auto.Count == 0 ? 0 : (double)both / auto.Count,
            recall = read.Count == 0 ? 0 : (double)both / read.Count,
            autoNotRead = notRead,
            readNotInAuto = missed,
            variants = rows.Select(r => new
            {
                variant = r.Variant,
                layout = r.Layout,
                startList = r.List,
                startupBytes = r.Cost.StartupBytes,
                ranges = r.Cost.Ranges,
                variantBytes = r.Cost.ImageBytes,
                shareOfImage = (double)r.Cost.StartupBytes / imageBytes,
                layers = r.Cost.Layers.Select(l => new { l.Format, l.PrefetchBytes, l.OnDemandBytes, l.MetadataBytes, l.WholeBytes, l.ListedFiles, l.FilesOnDemand, l.Ranges }),
            }),
        };
        return new ImageResult(json, (double)estargz.StartupBytes / imageBytes, (double)estargzMeasured.StartupBytes / imageBytes,
            (double)estargzFloor.StartupBytes / imageBytes);
    }

    private static string Ratio(int part, int whole) => whole == 0 ? "n/a" : (100.0 * part / whole).ToString("F0", CultureInfo.InvariantCulture) + "%";

    private static string Names(IReadOnlyList<string> paths) => paths.Count is > 0 and <= 10 ? ": " + string.Join(", ", paths) : "";
}
