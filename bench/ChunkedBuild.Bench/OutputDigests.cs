using System.Security.Cryptography;
using System.Text;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion.Settings;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Corpus;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.Oci;

namespace ChunkedBuild.Bench;

/// <summary>
/// The output-digest mode (<c>--digests FILE [--inputs DIR]</c>): a reproducible record of what the writers and the image converter
/// produce, to show that a refactoring changes no byte. It converts every layer input (the bench tar and every conformance corpus case,
/// sparse ones included) with both formats at default options and with prioritized files, and converts the image inputs (the bench
/// image under the default request, a sample .NET-like image and a multi-platform image under five requests) end to end; it writes one line per conversion
/// (blob digest, DiffID, TOC digest, annotations, warnings, or the error code) and prints the sha256 of the list and its line count.
/// The inputs are built once into DIR and reused, since some corpus producers write the current time (GNU tar's PAX atime/ctime):
/// run the mode on both commits with the same DIR.
/// </summary>
internal static class OutputDigests
{
    /// <summary>The formats, by their command-line names, fixed here so the list never depends on the code under test.</summary>
    private static readonly string[] Formats = ["zstd-chunked", "estargz"];

    /// <summary>Usage text of the mode.</summary>
    public const string Usage = "usage: dotnet run -c Release --project bench/ChunkedBuild.Bench -- --digests FILE [--inputs DIR]";

    public static async Task<int> RunAsync(string[] args)
    {
        string? output = null, inputs = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--digests": output = Path.GetFullPath(Next()); break;
                case "--inputs": inputs = Path.GetFullPath(Next()); break;
                default:
                    Console.Error.WriteLine($"error: unknown argument '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        if (output is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        inputs ??= Path.Combine(BenchOptions.RepoRoot(), "artifacts", "digest-inputs");
        if (!File.Exists(Path.Combine(inputs, "complete"))) BuildInputs(inputs);

        var work = Directory.CreateTempSubdirectory("chunkedbuild-digests-");
        var lines = new List<string>();
        try
        {
            foreach (var tar in Directory.GetFiles(Path.Combine(inputs, "layers"), "*.tar").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(tar);
                var prioritized = File.ReadAllLines(Path.ChangeExtension(tar, ".prioritized"));
                foreach (var format in Formats)
                {
                    lines.Add(await LayerLineAsync(tar, name, format, "default", new FormatOptions { TempDirectory = Path.GetTempPath() }, work.FullName));
                    lines.Add(await LayerLineAsync(tar, name, format, "prioritized", new FormatOptions { TempDirectory = Path.GetTempPath(), PrioritizedFiles = prioritized }, work.FullName));
                }
                Console.Error.WriteLine($"layer {name}: done");
            }
            var manifest = Path.Combine(inputs, "prioritize.yaml");
            var requests = new (string Name, ConversionRequest Request)[]
            {
                ("default", new ConversionRequest { TempDirectory = Path.GetTempPath() }),
                ("manifest", new ConversionRequest { TempDirectory = Path.GetTempPath(), Prioritization = PrioritizationMode.Manifest, PrioritizationFile = manifest }),
                ("zstd-prioritized", new ConversionRequest
                {
                    TempDirectory = Path.GetTempPath(),
                    Variants = [LayerVariant.ZstdChunked], ZstdPrioritizedOrder = true, Prioritization = PrioritizationMode.Manifest, PrioritizationFile = manifest,
                }),
                ("all-variants-tags", new ConversionRequest { TempDirectory = Path.GetTempPath(), Variants = ConversionSettings.Variants(new OptionText("--variant", "original,estargz,zstd-chunked")), Publish = PublishMode.Tags }),
                ("levels", new ConversionRequest { TempDirectory = Path.GetTempPath(), ZstdLevel = 7, GzipLevel = 1, ChunkSize = 1 << 20 }),
            };
            foreach (var image in Directory.GetDirectories(Path.Combine(inputs, "images")).Order(StringComparer.Ordinal))
            {
                // The bench image is large: its default conversion only.
                foreach (var (requestName, request) in Path.GetFileName(image) == "bench" ? requests[..1] : requests)
                    lines.Add(await ImageLineAsync(image, requestName, request, work.FullName));
                Console.Error.WriteLine($"image {Path.GetFileName(image)}: done");
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
        var text = string.Join('\n', lines) + "\n";
        await File.WriteAllTextAsync(output, text);
        Console.WriteLine($"{lines.Count} conversions, sha256 of the list {Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))} ({output})");
        return 0;
    }

    private static async Task<string> LayerLineAsync(string tar, string name, string format, string mode, FormatOptions options, string work)
    {
        var blob = Path.Combine(work, "layer.blob");
        try
        {
            LayerWriteResult result;
            await using (var input = File.OpenRead(tar))
            await using (var destination = File.Create(blob))
                result = await LayerFormats.Get(format).WriteAsync(input, destination, options with { LayerName = name });
            var annotations = string.Join(',', result.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
            var densified = string.Join(',', result.DensifiedEntries.Select(d => d.Name));
            return $"layer {name} {format} {mode} blob={result.Digest} size={result.Size} media={result.MediaType} diffid={result.DiffId} " +
                   $"uncompressed={result.UncompressedSize} toc={result.TocDigest} annotations={Hash(annotations)} densified={Hash(densified)} " +
                   $"warnings={Hash(string.Join('\n', result.Warnings))}";
        }
        catch (ChunkedBuildException e)
        {
            return $"layer {name} {format} {mode} error {e.Code}";
        }
        finally
        {
            File.Delete(blob);
        }
    }

    private static async Task<string> ImageLineAsync(string layout, string requestName, ConversionRequest request, string work)
    {
        var name = Path.GetFileName(layout);
        var output = Path.Combine(work, "image-out");
        try
        {
            var transports = new ImageTransports(null, null);
            ConversionResult result;
            await using (var source = transports.OpenSource("oci:" + layout))
            await using (var sink = transports.OpenSink("oci:" + output + ":out", out var tag))
                result = await new ImageConverter(request with { Tags = [tag!] }).ConvertAsync(source, sink);
            // Every file the sink wrote, by path and content: index.json, oci-layout and the blobs (layers, configs, manifests, records).
            var files = Directory.GetFiles(output, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => $"{Path.GetRelativePath(output, f)}:{FileHash(f)}");
            var plans = string.Join(';', result.Plans.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal).Select(p => $"{p.Key}={string.Join(',', p.Value.Paths)}"));
            return $"image {name} {requestName} index={FileHash(Path.Combine(output, "index.json"))} files={Hash(string.Join('\n', files))} " +
                   $"plans={Hash(plans)} warnings={Hash(string.Join('\n', result.Warnings))}";
        }
        catch (ChunkedBuildException e)
        {
            return $"image {name} {requestName} error {e.Code}";
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>Builds the layer and image inputs into <paramref name="folder"/>; a <c>complete</c> marker says they are all there.</summary>
    private static void BuildInputs(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        var layers = Directory.CreateDirectory(Path.Combine(folder, "layers")).FullName;
        var images = Directory.CreateDirectory(Path.Combine(folder, "images")).FullName;
        Console.Error.WriteLine($"building the inputs into {folder}…");

        // The bench tar: one copy of the installed .NET shared runtimes.
        var bench = BenchInputs.RuntimeTar(layers, 1, "bench");
        File.WriteAllLines(Path.ChangeExtension(bench, ".prioritized"), PrioritizedOf(bench));

        foreach (var corpusCase in TarCorpus.AllCases().Concat(TarCorpus.AllSparseCases()))
        {
            var producer = TarCorpus.Producer(corpusCase.Producer);
            if (producer.UnavailableReason is { } reason)
            {
                Console.Error.WriteLine($"skipping {corpusCase.Key}: {reason}");
                continue;
            }
            var path = Path.Combine(layers, "corpus-" + corpusCase.Key + ".tar");
            var built = producer.Build(corpusCase.Spec, corpusCase.Prefix, path);
            var nested = built.Entries.FirstOrDefault(e => e.Spec.Kind == TarEntryKind.File && e.Spec.Content.Length > 0 && e.Spec.ParentName is not null);
            var hardLink = built.Entries.FirstOrDefault(e => e.Spec.Kind == TarEntryKind.HardLink);
            File.WriteAllLines(Path.ChangeExtension(path, ".prioritized"),
                new[] { nested?.ArchiveName, hardLink?.ArchiveName, "/no/such/file" }.OfType<string>());
        }

        var bulk = Directory.CreateDirectory(Path.Combine(folder, "bulk")).FullName;
        ImageBench.BuildImage(bulk, Path.Combine(images, "bench"), 1);
        Directory.Delete(bulk, recursive: true);
        TestImageLayout.WriteLayout(Path.Combine(images, "sample"), [new TestPlatformImage("linux", "amd64", TestImageLayout.SampleLayers(9))], ["1"]);
        TestBaseImages.BuildMultiArch(Path.Combine(images, "multi"));
        File.WriteAllText(Path.Combine(folder, "prioritize.yaml"),
            "version: 1\nfiles:\n  - /app/hello.runtimeconfig.json\n  - /app/*.dll\n  - /usr/lib/**\n  - /etc/os-release\nexclude:\n  - /app/hello-link.dll\n");
        File.WriteAllText(Path.Combine(folder, "complete"), "");
    }

    /// <summary>A few regular files of a tar (the first, one in the middle, the last) and a path that is not in it.</summary>
    private static string[] PrioritizedOf(string tar)
    {
        using var stream = File.OpenRead(tar);
        using var reader = new ChunkedBuild.Core.Tar.RawTarReader(stream);
        var files = new List<string>();
        while (reader.ReadNext() is { } entry)
            if (entry.Info.IsRegularFile) files.Add(entry.Info.Name);
        return [files[^1], files[files.Count / 2], files[0], "/no/such/file"];
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static string FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
