using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports.Archive;
using ChunkedBuild.Testing.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Robustness.Fuzz;

/// <summary>
/// A seeded mutation fuzz over the three kinds of hostile input (issue 12): layers (tar dialects, damaged headers, PAX records, lengths,
/// compression), image documents (manifests, indexes, configs, fed through the image walker and, for a share of the accepted ones, the
/// whole converter) and docker <c>manifest.json</c> files (through the docker archive source). Every input must end in one of two ways:
/// a <see cref="ChunkedBuildException"/> with a known CHB code (the in-process equivalent of "never exit 70"), or an accepted result the
/// verifiers pass (the format validators for converted layers, <see cref="ImageVerifier"/> for converted images). Each input runs under
/// a timeout (a hang fails the run). The seed and the count are printed; <c>CHUNKEDBUILD_FUZZ_SEED</c> (a number, or <c>random</c>),
/// <c>CHUNKEDBUILD_FUZZ_COUNT</c> and <c>CHUNKEDBUILD_FUZZ_ONLY</c> (one input's index) replay or widen a run; <c>CHUNKEDBUILD_FUZZ_DUMP</c>
/// (a folder) receives the layer of a replayed layer input. The default seed is fixed so
/// that CI runs are repeatable; other seeds explore.
/// </summary>
public sealed class FuzzTests : IDisposable
{
    private const int DefaultSeed = 20261212;
    private const int DefaultCount = 10_000;

    /// <summary>Of every 20 inputs: 5 layers, 8 documents, 3 docker archives, 4 hostile lazy layers.</summary>
    private static readonly string[] Schedule =
        [.. Enumerable.Repeat("layer", 5), .. Enumerable.Repeat("document", 8), .. Enumerable.Repeat("docker", 3), .. Enumerable.Repeat("lazy", 4)];

    /// <summary>One accepted document input in this many is converted whole and verified (the converter is the expensive part).</summary>
    private const int ConvertEvery = 60;

    private static readonly TimeSpan PerInputTimeout = TimeSpan.FromSeconds(60);

    private static readonly HashSet<string> KnownCodes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);

    /// <summary>Fragments of .NET's own exception messages that a user should never see in a CHB error.</summary>
    private static readonly string[] LeakedDotnetMessage = ["| LineNumber:", "BytePositionInLine", "(Parameter '", "could not be converted to System.", "Unable to parse number"];

    private readonly string _root = Directory.CreateTempSubdirectory("chunkedbuild-fuzz-").FullName;
    private readonly IReadOnlyList<(byte[] Tar, int[] Headers)> _seedTars = TarMutator.BuildSeeds();
    private readonly IReadOnlyList<(byte[] Gzip, byte[] Tar, Digest DiffId)> _layers;

    private readonly IReadOnlyList<(string Format, byte[] Blob, IReadOnlyDictionary<string, string> Annotations)> _lazyLayers;

    public FuzzTests()
    {
        _lazyLayers = [.. _seedTars.Take(2).SelectMany(seed => LayerFormats.Names.Select(format =>
        {
            var output = new MemoryStream();
            var result = LayerFormats.Get(format).WriteAsync(new MemoryStream(seed.Tar), output, new FormatOptions { TempDirectory = Path.GetTempPath(), DegreeOfParallelism = 1 }).GetAwaiter().GetResult();
            return (format, output.ToArray(), result.Annotations);
        }))];
        _layers = [AppLayer(0, null), AppLayer(1, """{"runtimeOptions":{"tfm":"net10.0","framework":{"name":"Microsoft.NETCore.App","version":"10.0.0"},"configProperties":{"System.Globalization.Invariant":true}}}"""u8.ToArray())];
    }

    /// <summary>A small layer of a .NET app: the dotnet host and the app (layer 0), or its runtimeconfig (layer 1).</summary>
    private static (byte[] Gzip, byte[] Tar, Digest DiffId) AppLayer(int index, byte[]? runtimeConfig)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000); // fixed, so a seed replays the same bytes
            void File(string name, byte[] data) => writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data), ModificationTime = time });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "app/") { ModificationTime = time });
            File($"app/file{index}.txt", Encoding.UTF8.GetBytes($"layer {index}\n"));
            if (runtimeConfig is null)
            {
                File("usr/bin/dotnet", "#!host"u8.ToArray());
                File("app/hello.dll", new byte[300]);
            }
            else
            {
                File("app/hello.runtimeconfig.json", runtimeConfig);
                File("app/hello.deps.json", """{"runtimeTarget":{"name":"x"},"targets":{"x":{"hello/1.0":{"runtime":{"hello.dll":{}}}}}}"""u8.ToArray());
            }
        }
        var bytes = tar.ToArray();
        return (TestImageLayout.Gzip(bytes), bytes, Digest.Sha256Of(bytes));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Temp => Directory.CreateDirectory(Path.Combine(_root, "tmp")).FullName;

    [Fact]
    public void Mutated_layers_documents_and_docker_manifests_give_coded_errors_or_verified_output()
    {
        var seed = Seed();
        var count = int.TryParse(Environment.GetEnvironmentVariable("CHUNKEDBUILD_FUZZ_COUNT"), CultureInfo.InvariantCulture, out var c) ? c : DefaultCount;
        var only = int.TryParse(Environment.GetEnvironmentVariable("CHUNKEDBUILD_FUZZ_ONLY"), CultureInfo.InvariantCulture, out var o) ? o : (int?)null;
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var perTarget = new Dictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var ran = 0;
        for (var index = only ?? 0; index < (only is null ? count : only.Value + 1) && failures.Count < 10; index++)
        {
            var target = Schedule[index % Schedule.Length];
            perTarget[target] = perTarget.GetValueOrDefault(target) + 1;
            var random = new Random(unchecked(seed * 1_000_003 + index));
            var outcome = Run(target, random, index, out var failure);
            ran++;
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (failure is not null) failures.Add($"input {index} ({target}): {failure}");
        }
        var summary = $"fuzz: seed {seed}, {ran} inputs ({string.Join(", ", perTarget.Select(p => $"{p.Value} {p.Key}"))}) in {clock.Elapsed.TotalSeconds:F1} s; " +
                      $"outcomes: {string.Join(", ", outcomes.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"))}";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        Console.WriteLine(summary);
        Assert.True(failures.Count == 0,
            $"{summary}\nreplay one input with CHUNKEDBUILD_FUZZ_SEED={seed} CHUNKEDBUILD_FUZZ_ONLY=<input>:\n{string.Join("\n", failures)}");
        Assert.True(only is not null || ran >= count);
    }

    private static int Seed()
    {
        var text = Environment.GetEnvironmentVariable("CHUNKEDBUILD_FUZZ_SEED");
        if (text == "random") return RandomNumberGenerator.GetInt32(int.MaxValue);
        return int.TryParse(text, CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;
    }

    /// <summary>Runs one input under the timeout; returns its outcome ("accepted" or the error code) and, when it broke a rule, why.</summary>
    private string Run(string target, Random random, int index, out string? failure)
    {
        using var cancel = new CancellationTokenSource();
        var task = Task.Run(() => target switch
        {
            "layer" => LayerAsync(random, cancel.Token),
            "document" => DocumentAsync(random, index, cancel.Token),
            "lazy" => LazyAsync(random),
            _ => DockerAsync(random, index, cancel.Token),
        });
        if (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(PerInputTimeout))
        {
            cancel.Cancel();
            failure = $"no result within {PerInputTimeout.TotalSeconds:F0} s (a hang)";
            return "hang";
        }
        if (task.IsFaulted)
        {
            var error = task.Exception!.GetBaseException();
            if (error is ChunkedBuildException coded && KnownCodes.Contains(coded.Code))
            {
                // A coded error speaks for itself: .NET's own messages (System.Text.Json's "Path: $ | LineNumber", argument checks) must not leak into it.
                failure = LeakedDotnetMessage.FirstOrDefault(coded.Message.Contains) is { } leak ? $"{coded.Code} leaks a .NET message ('{leak}'): {coded.Message}" : null;
                return coded.Code;
            }
            failure = $"{error.GetType().Name}: {error.Message}\n{error.StackTrace}";
            return "crash";
        }
        failure = task.Result;
        return failure is null ? "accepted" : "unverified";
    }

    // ---- layers ----

    /// <summary>Converts a mutated layer; an accepted one must pass its format's validator (and keep the DiffID for zstd:chunked in tar order).</summary>
    private async Task<string?> LayerAsync(Random random, CancellationToken cancellationToken)
    {
        var (layer, name) = new TarMutator(random, _seedTars).Next();
        var format = LayerFormats.Names[random.Next(LayerFormats.Names.Count)];
        if (Environment.GetEnvironmentVariable("CHUNKEDBUILD_FUZZ_DUMP") is { Length: > 0 } dump) File.WriteAllBytes(Path.Combine(dump, $"layer-{format}"), layer);
        var prioritized = random.Next(4) == 0 ? (IReadOnlyList<string>)[name, "dir/missing"] : [];
        var options = new FormatOptions
        {
            DegreeOfParallelism = 1 + random.Next(2),
            PrioritizedFiles = prioritized,
            TempDirectory = Temp,
            SpoolLimit = random.Next(3) == 0 ? 64 << 10 : 16 << 20,
            ChunkSize = random.Next(3) == 0 ? 4096 : LayerFormats.ChunkSizes.Default,
            LayerName = "fuzz",
        };
        var output = new MemoryStream();
        LayerWriteResult result;
        await using (var tar = LayerInput.OpenUncompressed(new MemoryStream(layer), out _))
            result = await LayerFormats.Get(format).WriteAsync(tar, output, options, cancellationToken);
        output.Position = 0;
        var verdict = LayerFormats.Get(format).Validator.Validate(output, new LayerValidationRequest { Annotations = result.Annotations, DiffId = result.DiffId });
        if (!verdict.IsValid) return $"the converted {format} layer fails its validator: {string.Join("; ", verdict.Failures)}";
        // zstd:chunked in tar order keeps the DiffID, unless the input lacked (part of) its end marker and the writer said it completed it.
        if (format == "zstd-chunked" && prioritized.Count == 0 && !result.Warnings.Any(w => w.Contains("end-of-archive marker", StringComparison.Ordinal)))
        {
            await using var tar = LayerInput.OpenUncompressed(new MemoryStream(layer), out _);
            var diffId = Digest.Sha256Of(tar);
            if (diffId != result.DiffId) return $"zstd:chunked in tar order changed the DiffID ({diffId} → {result.DiffId})";
        }
        return null;
    }

    // ---- hostile lazy layers ----

    /// <summary>
    /// A converted layer with a mutated TOC (re-packed so its digests match) or damaged bytes and annotations, as <c>verify</c>, <c>layer
    /// verify</c> and <c>inspect</c> read it: the validators report failures (they never throw), reading the TOC gives ranges or a CHB code.
    /// </summary>
    private Task<string?> LazyAsync(Random random)
    {
        var (format, blob, annotations) = _lazyLayers[random.Next(_lazyLayers.Count)];
        var (mutated, mutatedAnnotations) = new LazyBlobMutator(random).Mutate(format, blob, annotations);
        using var stream = new MemoryStream(mutated, writable: false);
        var checkAs = random.Next(5) == 0 ? LayerFormatCheck.Infer(mutatedAnnotations, stream).Name : format;
        LayerFormats.Get(checkAs).Validator.Validate(stream, new LayerValidationRequest { Annotations = mutatedAnnotations });
        LayerFormats.Get(format).ReadToc(stream, mutatedAnnotations);
        return Task.FromResult<string?>(null);
    }

    // ---- image documents ----

    /// <summary>A small image (config, manifest, maybe an index, maybe nested) with some documents mutated, walked, and now and then converted and verified.</summary>
    private async Task<string?> DocumentAsync(Random random, int index, CancellationToken cancellationToken)
    {
        var mutator = new JsonMutator(random);
        var image = new MemoryImage($"fuzz-image-{index}");
        // Now and then the app's runtimeconfig is mutated too, and the startup estimate (.NET inference) runs on the image.
        var inferStartup = random.Next(12) == 0;
        var layers = inferStartup ? [_layers[0], AppLayer(1, mutator.Mutate(RuntimeConfigOf(_layers[1].Tar)))] : _layers.ToList();
        foreach (var (gzip, _, _) in layers) image.Add(gzip);
        var docker = random.Next(4) == 0;
        var platforms = random.Next(3) == 0 ? 1 + random.Next(3) : 1;
        var manifests = new List<Descriptor>();
        for (var p = 0; p < platforms; p++)
        {
            var layerCount = inferStartup ? layers.Count : 1 + random.Next(layers.Count);
            var config = TestImageLayout.Config("linux", p == 0 ? "amd64" : "arm64", layers.Take(layerCount).Select(l => l.DiffId));
            if (random.Next(3) == 0) config = mutator.Mutate(config);
            var configDescriptor = image.Describe(config, docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig);
            var manifest = Json(new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest,
                ["config"] = Descriptor(configDescriptor),
                ["layers"] = new JsonArray(layers.Take(layerCount).Select(l => (JsonNode)Descriptor(new Descriptor
                {
                    MediaType = docker ? MediaTypes.DockerLayerGzip : MediaTypes.OciLayerGzip, Digest = Digest.Sha256Of(l.Gzip), Size = l.Gzip.Length,
                })).ToArray()),
            });
            if (random.Next(3) == 0) manifest = mutator.Mutate(manifest);
            manifests.Add(image.Describe(manifest, docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest, new Platform { Os = "linux", Architecture = p == 0 ? "amd64" : "arm64" }));
        }
        var root = manifests[0];
        if (platforms > 1 || random.Next(3) == 0)
        {
            root = Index(image, mutator, random, manifests);
            if (random.Next(4) == 0) root = Index(image, mutator, random, [root, .. manifests.Take(1)]);
        }
        if (random.Next(10) == 0) root = root with { MediaType = random.Next(2) == 0 ? MediaTypes.OciIndex : MediaTypes.OciManifest };
        image.Root = root;

        var found = await ImageWalker.CollectAsync(image, root, new SilentConversionObserver(), cancellationToken);
        foreach (var platform in found)
        {
            if (platform.Config.DiffIds.Count != platform.Manifest.Value.Layers.Count) return "the walker accepted a platform whose DiffIDs and layers differ in number";
            _ = (platform.Config.Entrypoint, platform.Config.Cmd, platform.Config.Env, platform.Config.WorkingDir, platform.Platform.ToString());
        }
        if (inferStartup)
        {
            var report = await StartupCostEstimator.EstimateAsync(image, StartupList.Auto, Temp, cancellationToken);
            if (report.Platforms.Count == 0) return "the startup estimate of an accepted image covers no platform";
        }
        return await ConvertAndVerifyAsync(image, random, cancellationToken);
    }

    /// <summary>The runtimeconfig file of the app layer's tar.</summary>
    private static byte[] RuntimeConfigOf(byte[] tar)
    {
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name != "app/hello.runtimeconfig.json") continue;
            var data = new MemoryStream();
            entry.DataStream!.CopyTo(data);
            return data.ToArray();
        }
        return [];
    }

    private Descriptor Index(MemoryImage image, JsonMutator mutator, Random random, List<Descriptor> children)
    {
        var index = Json(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(children.Select(d => (JsonNode)Descriptor(d)).ToArray()),
        });
        if (random.Next(3) == 0) index = mutator.Mutate(index);
        return image.Describe(index, MediaTypes.OciIndex);
    }

    private static JsonObject Descriptor(Descriptor d)
    {
        var json = new JsonObject { ["mediaType"] = d.MediaType, ["digest"] = d.Digest.ToString(), ["size"] = d.Size };
        if (d.Platform is { } p) json["platform"] = new JsonObject { ["os"] = p.Os, ["architecture"] = p.Architecture };
        return json;
    }

    private static byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(new JsonSerializerOptions()));

    /// <summary>Every so often: the whole conversion of an accepted image, whose output must pass <see cref="ImageVerifier"/>.</summary>
    private async Task<string?> ConvertAndVerifyAsync(MemoryImage image, Random random, CancellationToken cancellationToken)
    {
        if (random.Next(ConvertEvery) != 0) return null;
        var output = new MemoryImage("fuzz-output");
        var request = new ConversionRequest
        {
            Variants = random.Next(3) switch { 0 => [LayerVariant.EStargz], 1 => [LayerVariant.ZstdChunked], _ => [LayerVariant.EStargz, LayerVariant.ZstdChunked] },
            Jobs = 1, ThreadsPerLayer = 1, CacheDirectory = null, TempDirectory = Temp,
            Prioritization = random.Next(2) == 0 ? PrioritizationMode.Auto : PrioritizationMode.None,
            Tags = ["1"],
        };
        await new ImageConverter(request).ConvertAsync(image, output, cancellationToken);
        var verdicts = await ImageVerifier.VerifyAsync(output, Temp, cancellationToken: cancellationToken);
        var bad = verdicts.Where(v => !v.Ok).ToList();
        if (verdicts.Count == 0) return "the converted image has no layer to verify";
        return bad.Count == 0 ? null : $"the converted image fails verification: {string.Join("; ", bad.SelectMany(v => v.Failures))}";
    }

    // ---- docker archives ----

    /// <summary>A docker archive whose manifest.json (and sometimes config) is mutated, read by the docker archive source and walked.</summary>
    private async Task<string?> DockerAsync(Random random, int index, CancellationToken cancellationToken)
    {
        var mutator = new JsonMutator(random);
        var layerNames = _layers.Select(l => $"{Digest.Sha256Of(l.Gzip).Hex}/layer.tar").ToList();
        var config = TestImageLayout.Config("linux", "amd64", _layers.Select(l => l.DiffId));
        if (random.Next(4) == 0) config = mutator.Mutate(config);
        var configName = Digest.Sha256Of(config).Hex + ".json";
        var manifestJson = Json(new JsonArray(new JsonObject
        {
            ["Config"] = configName,
            ["RepoTags"] = new JsonArray("app:1"),
            ["Layers"] = new JsonArray(layerNames.Select(n => (JsonNode)n).ToArray()),
        }));
        manifestJson = random.Next(10) == 0 ? mutator.Bytes(manifestJson) : mutator.Mutate(manifestJson);
        var path = Path.Combine(_root, "docker.tar");
        using (var file = File.Create(path))
        using (var writer = new TarWriter(file, TarEntryFormat.Pax))
        {
            for (var i = 0; i < _layers.Count; i++)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, layerNames[i]) { DataStream = new MemoryStream(random.Next(2) == 0 ? _layers[i].Gzip : _layers[i].Tar) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, configName) { DataStream = new MemoryStream(config) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, DockerArchiveFiles.ManifestFile) { DataStream = new MemoryStream(manifestJson) });
            if (random.Next(8) == 0) writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, configName) { DataStream = new MemoryStream(mutator.Bytes(config)) });
        }
        await using var source = new DockerArchiveSource(path, random.Next(5) == 0 ? "app:1" : null, $"docker-archive:fuzz-{index}");
        foreach (var image in await source.ResolveAsync(cancellationToken))
        {
            foreach (var platform in await ImageWalker.CollectAsync(source, image.Descriptor, new SilentConversionObserver(), cancellationToken))
            {
                if (platform.Config.DiffIds.Count != platform.Manifest.Value.Layers.Count) return "the walker accepted a platform whose DiffIDs and layers differ in number";
            }
        }
        return null;
    }
}
