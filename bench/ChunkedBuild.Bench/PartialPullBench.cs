using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.LazyPull;
using ChunkedBuild.Testing.Registry;

namespace ChunkedBuild.Bench;

/// <summary>
/// zstd:chunked as Podman/CRI-O pull it (the last part of <c>--lazy</c>): a real containers/storage partial pull by a skopeo new enough
/// (Debian 12's 1.9.3 falls back to whole blobs), of release N+1 of image B with release N in the store, against the same pull of the gzip
/// images. Two next releases: <c>app</c> (one C# line of samples/app changed: a new app layer) and <c>base</c> (the four base layers rebuilt
/// with the same files: every entry's mtime moved a day, so every base layer has a new digest and DiffID). The store is overlay with
/// partial images on, hard links and conversion off, DiffIDs verified; bytes are counted on an unshaped link in front of the registry. A
/// layer counts as partially pulled when skopeo's debug log says <c>Retrieved partial blob</c> for it.
/// </summary>
internal static partial class PartialPullBench
{
    public static async Task<object> RunAsync(string work, StartupImages set, LocalRegistry registry, string? skopeo)
    {
        Console.WriteLine();
        var (program, version, why) = Find(skopeo);
        if (program is null)
        {
            Console.WriteLine($"zstd:chunked partial pulls: not measured — {why}");
            return new { measured = false, reason = why };
        }
        Console.WriteLine($"zstd:chunked partial pulls with {program} ({version}): release N+1 of image B with release N in a containers/storage store");
        var image = set.Images.Single(i => i.Id == "B");
        var nextApp = StartupApps.SampleApp(work, "n+1");
        var releases = new Dictionary<string, StartupImage>(StringComparer.Ordinal)
        {
            ["n"] = image,
            ["app"] = image.WithLayers([.. image.Layers.Take(image.Layers.Count - 1), ("app", nextApp.Layer, null)]),
            ["base"] = image.WithLayers([.. image.Layers.Take(image.Layers.Count - 1).Select(l => (l.Name, Retimed(l.Layer), l.TarBytes)), image.Layers[^1]]),
        };
        var transports = new ImageTransports(new RegistryImageTransport(new RegistryClientOptions()), null);
        foreach (var (name, release) in releases)
        {
            var layout = release.Write(Path.Combine(work, "partial-" + name), set.Runtime.Runtime.Version);
            Skopeo.Copy(layout.SkopeoReference, $"docker://{registry.Host}/partial-gzip:{name}");
            await using var src = transports.OpenSource(layout.SkopeoReference);
            await using var sink = transports.OpenSink($"docker://{registry.Host}/partial-zstd:{name}", out _);
            await new ImageConverter(new ConversionRequest { TempDirectory = Path.GetTempPath(), Variants = [LayerVariant.ZstdChunked], Tags = [name] }).ConvertAsync(src, sink);
        }

        var results = new List<object>();
        Console.WriteLine($"{"next release",-44}{"zstd:chunked",14}{"gzip",14}{"zstd ÷ gzip",13}  partial layers");
        foreach (var (scenario, title) in new[] { ("app", "app: one C# line changed"), ("base", "base: 4 layers rebuilt, same files (new mtimes)") })
        {
            var zstd = Pull(program, registry, "partial-zstd", scenario, work);
            var gzip = Pull(program, registry, "partial-gzip", scenario, work);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{title,-44}{$"{zstd.Bytes / 1e6:F2} MB",14}{$"{gzip.Bytes / 1e6:F2} MB",14}{$"{100.0 * zstd.Bytes / gzip.Bytes:F1}%",13}  {zstd.Partial} of {zstd.NewLayers} new{(zstd.Fallbacks > 0 ? $" ({zstd.Fallbacks} fell back to a whole blob)" : "")}"));
            results.Add(new { scenario, title, zstdChunkedBytes = zstd.Bytes, gzipBytes = gzip.Bytes, partialLayers = zstd.Partial, newLayers = zstd.NewLayers, fallbacks = zstd.Fallbacks });
        }
        return new { measured = true, skopeo = version, image = "B", releases = results };
    }

    private sealed record PullResult(long Bytes, int Partial, int NewLayers, int Fallbacks);

    /// <summary>Pulls <c>repository:n</c> into a fresh store directly, then <c>repository:scenario</c> through a counting link.</summary>
    private static PullResult Pull(string skopeo, LocalRegistry registry, string repository, string scenario, string work)
    {
        var store = Directory.CreateTempSubdirectory("chunkedbuild-partial-").FullName;
        try
        {
            var config = Path.Combine(store, "storage.conf");
            File.WriteAllText(config, $"""
                [storage]
                driver = "overlay"
                graphroot = "{Path.Combine(store, "graph")}"
                runroot = "{Path.Combine(store, "run")}"
                [storage.options.pull_options]
                enable_partial_images = "true"
                use_hard_links = "false"
                convert_images = "false"
                insecure_allow_unpredictable_image_contents = "false"
                """);
            var policy = Path.Combine(store, "policy.json");
            File.WriteAllText(policy, """{"default":[{"type":"insecureAcceptAnything"}]}""");
            var environment = new Dictionary<string, string> { ["CONTAINERS_STORAGE_CONF"] = config };
            ProcessResult Copy(string host, string tag, bool debug) => ProcessRunner.Run(skopeo,
                [.. debug ? ["--debug"] : Array.Empty<string>(), "--policy", policy, "copy", "--src-tls-verify=false",
                    $"docker://{host}/{repository}:{tag}", $"containers-storage:bench/{repository}:{tag}"],
                environment: environment, timeout: TimeSpan.FromMinutes(10));
            var first = Copy(registry.Host, "n", debug: false);
            if (first.ExitCode != 0) throw new InvalidOperationException($"skopeo copy {repository}:n: {first.StdErr}");
            using var link = ShapedLink.Start(LazyBench.Endpoint(registry), profile: null);
            var next = Copy(link.Host, scenario, debug: true);
            if (next.ExitCode != 0) throw new InvalidOperationException($"skopeo copy {repository}:{scenario}: {next.StdErr}");
            var log = next.StdErr;
            return new PullResult(link.BytesDown, PartialRetrieved().Matches(log).Select(m => m.Groups[1].Value).Distinct().Count(),
                NewLayers(registry, repository, scenario), FellBack().Matches(log).Count);
        }
        finally
        {
            MountedFolder.Delete(store);
        }
    }

    /// <summary>How many layers of <c>repository:scenario</c> release N does not have (by digest).</summary>
    private static int NewLayers(LocalRegistry registry, string repository, string scenario)
    {
        IReadOnlyList<string> Layers(string tag) => LazyImage.ReadAsync($"{registry.Host}/{repository}:{tag}").GetAwaiter().GetResult().Layers.Select(l => l.Digest).ToList();
        var old = Layers("n").ToHashSet(StringComparer.Ordinal);
        return Layers(scenario).Count(d => !old.Contains(d));
    }

    /// <summary>The layer with every entry's mtime a day later (same files, a rebuilt layer): new digest and DiffID.</summary>
    private static TestLayer Retimed(TestLayer layer)
    {
        using var tar = new MemoryStream();
        using (var reader = new TarReader(new GZipStream(new MemoryStream(layer.Gzip), CompressionMode.Decompress)))
        using (var writer = new TarWriter(tar, leaveOpen: true))
        {
            while (reader.GetNextEntry(copyData: true) is { } entry)
            {
                entry.ModificationTime = entry.ModificationTime.AddDays(1);
                writer.WriteEntry(entry);
            }
        }
        return TestLayer.FromTar(tar.ToArray(), CompressionLevel.Optimal);
    }

    /// <summary>The skopeo to use and its version, or why there is none: <paramref name="given"/>, else <c>skopeo</c> on PATH when it is 1.14 or newer.</summary>
    private static (string? Program, string? Version, string Why) Find(string? given)
    {
        var candidate = given ?? (ProcessRunner.IsOnPath("skopeo") ? "skopeo" : null);
        if (candidate is null) return (null, null, "no skopeo (pass --skopeo PATH or set CHUNKEDBUILD_SKOPEO to one new enough to partial-pull zstd:chunked)");
        var version = ProcessRunner.Run(candidate, ["--version"]).StdOut.Trim();
        var match = SkopeoVersion().Match(version);
        var (major, minor) = match.Success ? (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)) : (0, 0);
        if (given is null && (major, minor).CompareTo((1, 14)) < 0)
            return (null, null, $"{version} cannot partial-pull current zstd:chunked layers (\"blob type not supported for partial retrieval\"); pass --skopeo PATH to a newer one (CHUNKEDBUILD_SKOPEO)");
        return (candidate, version, "");
    }

    [GeneratedRegex(@"version (\d+)\.(\d+)")]
    private static partial Regex SkopeoVersion();

    [GeneratedRegex(@"Retrieved partial blob (sha256:[0-9a-f]{64})")]
    private static partial Regex PartialRetrieved();

    [GeneratedRegex(@"Failed to retrieve partial blob|Could not create zstd:chunked differ")]
    private static partial Regex FellBack();
}
