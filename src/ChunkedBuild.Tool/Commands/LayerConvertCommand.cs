using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Conversion.Settings;
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
            Description = "Output format: zstd-chunked (Podman, CRI-O, Buildah partial pulls) or estargz (containerd stargz-snapshotter; also readable as plain gzip).",
            DefaultValueFactory = _ => LayerFormats.Default.Name,
            CustomParser = r => ConvertOptionRules.Parse(r, o => ConversionSettings.Format(o).Name),
        };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Where to write the converted blob (written to a temporary file, then renamed).", Required = true };
        var level = new Option<int?>("--level", "-l")
        {
            Description = "Compression level: " + string.Join(", ", LayerFormats.All.Select(f => $"{f.Name} {f.Levels.Min}-{f.Levels.Max} (default {f.Levels.Default})")) + ".",
            CustomParser = r => ConvertOptionRules.Parse(r, ConversionSettings.Level),
        };
        var chunkSize = new Option<long>("--chunk-size")
        {
            Description = "eStargz chunk size in bytes (1-268435456); zstd:chunked uses content-defined chunks and ignores it.",
            DefaultValueFactory = _ => LayerFormats.ChunkSizes.Default,
            CustomParser = r => ConvertOptionRules.Parse(r, ConversionSettings.ChunkSize) ?? 0,
        };
        var prioritize = new Option<string[]>("--prioritize", "-p")
        {
            Description = "A path to place first (repeat for more; order is kept): eStargz puts them before .prefetch.landmark; zstd-chunked reorders the tar (a new DiffID).",
            AllowMultipleArgumentsPerToken = false,
        };
        var jobs = new Option<int>("--jobs", "-j")
        {
            Description = "Compression threads, 1-1024 (default: one per core). The output bytes never depend on it.",
            DefaultValueFactory = _ => Environment.ProcessorCount,
            CustomParser = r => ConvertOptionRules.Parse(r, ConversionSettings.Jobs) ?? 1,
        };
        var sparse = new Option<string>("--sparse")
        {
            Description = "Sparse files (GNU tar --sparse): densify (written as regular files, the holes as zeros; the blob then decompresses to a new tar, " +
                          "whatever the format) or refuse (error CHB1102, exit code 3).",
            DefaultValueFactory = _ => SparseMode.Densify.Name(),
            CustomParser = r => ConvertOptionRules.Parse(r, o => ConversionSettings.Sparse(o).Name()),
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print exactly one JSON object on stdout: mediaType, digest, size, diffId, uncompressedSize, tocDigest, annotations " +
                          "(and densified, when sparse files were densified).",
        };
        var force = new Option<bool>("--force") { Description = "Replace the output file when it exists (without it, an existing output is an error and stays untouched)." };
        var spoolLimit = new Option<long?>("--spool-limit")
        {
            Description = "With --prioritize: the most bytes the reordering may spool to temporary files, e.g. 8G; past it the conversion fails " +
                          "with CHB1203 (default: the larger of 1 GiB and 100 × the input file).",
            CustomParser = r => ConvertOptionRules.Parse(r, ConversionSettings.SpoolLimit),
        };

        var command = new CliCommand("convert", "Convert one layer blob into a lazily pullable layer and print its descriptor values.", $"""
            Examples:
              dotnet chunked layer convert layer.tar.gz --format zstd-chunked -o layer.zst
              dotnet chunked layer convert layer.tar -f estargz -o layer.esgz -p /app/app.dll -p /app/app.deps.json
              dotnet chunked layer convert layer.tar -o layer.zst --json > layer.json
              dotnet chunked layer verify layer.zst --annotations layer.json

            With --json, stdout carries exactly one JSON object and logs go to stderr.
            """)
        {
            input, format, output, level, chunkSize, prioritize, jobs, sparse, spoolLimit, json, force,
        };
        // The level range depends on the format, so it is checked on the whole command.
        command.Validators.Add(r =>
        {
            ConvertOptionRules.CheckLevel(r, level, format);
        });
        command.SetAction(async (parse, ct) =>
        {
            using var logs = CliLogging.Create(CommonOptions.LogLevelOf(parse));
            var log = logs.CreateLogger("convert");
            var inputFile = parse.GetValue(input)!;
            var outputFile = parse.GetValue(output)!;
            RequireOutputFolder(outputFile);
            var layerFormat = LayerFormats.Get(parse.GetValue(format)!);
            var options = ProcessHost.Read().FormatOptions() with
            {
                Level = parse.GetValue(level),
                ChunkSize = parse.GetValue(chunkSize),
                PrioritizedFiles = parse.GetValue(prioritize) ?? [],
                DegreeOfParallelism = parse.GetValue(jobs),
                SpoolLimit = parse.GetValue(spoolLimit),
                LayerName = inputFile.Name,
                Sparse = ConversionSettings.Sparse(new(sparse.Name, parse.GetValue(sparse))),
            };
            log.LogDebug("converting {Input} to {Format} (level {Level}, {Jobs} jobs) into {Output}",
                inputFile.FullName, layerFormat.Name, options.Level?.ToString(CultureInfo.InvariantCulture) ?? "default", options.DegreeOfParallelism, outputFile.FullName);
            ProgressStream? progress = null;
            var clock = Stopwatch.StartNew();
            LayerWriteResult result;
            try
            {
                result = await LayerFileConverter.ConvertAsync(inputFile.FullName, outputFile.FullName, layerFormat, options, ct,
                    s => progress = new ProgressStream(s, inputFile.Exists ? inputFile.Length : null, $"converting {inputFile.Name}", log), parse.GetValue(force));
            }
            finally
            {
                progress?.Done();
            }
            foreach (var warning in result.Warnings) log.LogWarning("{Layer}: {Warning}", inputFile.Name, warning);
            if (result.DensifiedEntries.Count > 0)
                log.LogInformation("{Layer}: {Count} sparse file(s) written as regular files; the layer's DiffID is that of the densified tar", inputFile.Name, result.DensifiedEntries.Count);
            log.LogInformation("{Layer}: {Format} blob of {Size} bytes written in {Seconds:F2} s", inputFile.Name, layerFormat.Name, result.Size, clock.Elapsed.TotalSeconds);
            Console.Out.WriteLine(parse.GetValue(json) ? ResultJson.Conversion(result) : Describe(result, inputFile, outputFile));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A missing output folder is an I/O error reported before any work is done.</summary>
    private static void RequireOutputFolder(FileInfo output)
    {
        if (output.Directory is { Exists: false } folder)
            throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot write '{output.FullName}': the folder '{folder.FullName}' does not exist");
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
        if (r.DensifiedEntries.Count > 0)
        {
            lines.Add("  sparse files densified (regular files now, holes as zeros; a new DiffID)");
            lines.AddRange(r.DensifiedEntries.Select(d => $"    {d.Name} ({d.Format}, {d.Size.ToString("N0", CultureInfo.InvariantCulture)} bytes, {d.StoredBytes.ToString("N0", CultureInfo.InvariantCulture)} stored)"));
        }
        return string.Join(Environment.NewLine, lines);
    }
}
