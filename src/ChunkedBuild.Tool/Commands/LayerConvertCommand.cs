using System.CommandLine;
using System.Globalization;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Tool.Output;
using Microsoft.Extensions.Logging;

namespace ChunkedBuild.Tool.Commands;

/// <summary><c>dotnet chunked layer convert</c>: one layer blob in, one zstd:chunked or eStargz blob out.</summary>
public static class LayerConvertCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var input = new Argument<FileInfo>("input") { Description = "The layer to convert: a tar, or a gzip or zstd compressed tar (detected by magic)." };
        var format = new Option<string>("--format", "-f")
        {
            Description = "Output format: zstd-chunked (Podman, CRI-O, Buildah partial pulls) or estargz (containerd stargz-snapshotter).",
            DefaultValueFactory = _ => "zstd-chunked",
        }.AcceptOnlyFromAmong([.. LayerFormats.Names]);
        var output = new Option<FileInfo>("--output", "-o") { Description = "Where to write the converted blob (written to a temporary file, then renamed).", Required = true };
        var level = new Option<int?>("--level", "-l") { Description = "Compression level: zstd 1-22 (default 3), gzip 0-9 (default 6)." };
        var chunkSize = new Option<long>("--chunk-size")
        {
            Description = "eStargz chunk size in bytes (default 4194304); zstd:chunked uses content-defined chunks.",
            DefaultValueFactory = _ => FormatOptions.DefaultEStargzChunkSize,
        };
        var prioritize = new Option<string[]>("--prioritize", "-p")
        {
            Description = "eStargz: a path to place first, before .prefetch.landmark (repeat for more; order is kept).",
            AllowMultipleArgumentsPerToken = false,
        };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Compression threads (default: one per core). The output never depends on it.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object on stdout: mediaType, digest, size, diffId, uncompressedSize, tocDigest, annotations." };

        level.Validators.Add(r =>
        {
            if (r.GetValue(level) is { } l && (l < 0 || l > 22)) r.AddError($"--level {l} is out of range (zstd 1-22, gzip 0-9)");
        });
        chunkSize.Validators.Add(r => { if (r.GetValue(chunkSize) < 1) r.AddError("--chunk-size must be at least 1"); });
        jobs.Validators.Add(r => { if (r.GetValue(jobs) < 1) r.AddError("--jobs must be at least 1"); });

        var command = new Command("convert", """
            Convert one layer blob into a lazily pullable layer and print its descriptor values.

            Examples:
              dotnet chunked layer convert layer.tar.gz --format zstd-chunked -o layer.zst
              dotnet chunked layer convert layer.tar -f estargz -o layer.esgz -p /app/app.dll -p /app/app.deps.json
              dotnet chunked layer convert layer.tar -o layer.zst --json > layer.json
            """)
        {
            input, format, output, level, chunkSize, prioritize, jobs, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var logs = CliLogging.Create(CommonOptions.LogLevelOf(parse));
            var log = logs.CreateLogger("convert");
            var inputFile = parse.GetValue(input)!;
            var layerFormat = LayerFormats.Get(parse.GetValue(format)!);
            var options = new FormatOptions
            {
                Level = parse.GetValue(level),
                ChunkSize = parse.GetValue(chunkSize),
                PrioritizedFiles = parse.GetValue(prioritize) ?? [],
                DegreeOfParallelism = parse.GetValue(jobs),
                LayerName = inputFile.Name,
            };
            ProgressStream? progress = null;
            var started = DateTime.UtcNow;
            var result = await LayerFileConverter.ConvertAsync(inputFile.FullName, parse.GetValue(output)!.FullName, layerFormat, options, ct,
                s => progress = new ProgressStream(s, inputFile.Exists ? inputFile.Length : null, $"converting {inputFile.Name}"));
            progress?.Done();
            foreach (var warning in result.Warnings) log.LogWarning("{Layer}: {Warning}", inputFile.Name, warning);
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            log.LogInformation("{Layer}: {Format} {Size} bytes in {Seconds:F2} s", inputFile.Name, layerFormat.Name, result.Size, seconds);
            Console.Out.WriteLine(parse.GetValue(json) ? ResultJson.Conversion(result) : Describe(result, inputFile, parse.GetValue(output)!));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Describe(LayerWriteResult r, FileInfo input, FileInfo output)
    {
        var inputSize = input.Length;
        var lines = new List<string>
        {
            $"{r.MediaType} written to {output.FullName}",
            $"  digest             {r.Digest}",
            $"  size               {r.Size.ToString("N0", CultureInfo.InvariantCulture)} bytes ({100.0 * r.Size / Math.Max(1, inputSize):F1}% of the input's {inputSize.ToString("N0", CultureInfo.InvariantCulture)})",
            $"  diffId             {r.DiffId}",
            $"  uncompressed size  {r.UncompressedSize.ToString("N0", CultureInfo.InvariantCulture)} bytes",
            $"  TOC digest         {r.TocDigest}",
            "  annotations",
        };
        lines.AddRange(r.Annotations.Select(a => $"    {a.Key}: {a.Value}"));
        return string.Join(Environment.NewLine, lines);
    }
}
