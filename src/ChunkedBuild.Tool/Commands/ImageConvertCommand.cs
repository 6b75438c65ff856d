using System.CommandLine;
using System.Diagnostics;
using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Conversion.Reports;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Conversion.Settings;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Tool.Output;
using Microsoft.Extensions.Logging;

namespace ChunkedBuild.Tool.Commands;

/// <summary><c>dotnet chunked convert &lt;source&gt; &lt;destination&gt;</c>: whole images into lazily pullable variants.</summary>
public static class ImageConvertCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var source = new Argument<string>("source")
        {
            Description = "The image to convert: oci:<dir>[:<ref>], oci-archive:<file>[:<ref>], docker-archive:<file>, docker://<registry>/<repo>[:tag|@digest], or a path (kind detected).",
        };
        var destination = new Argument<string>("destination")
        {
            Description = "Where to write: oci:<dir>[:<tag>], oci-archive:<file>[:<tag>] or docker://<registry>/<repo>[:tag]. Without a tag, the source's tags (or 'latest') are used.",
        };
        var variant = new Option<string>("--variant")
        {
            Description = "Comma-separated variants to produce: estargz, zstd-chunked, original (default: estargz,zstd-chunked).",
        };
        var publish = new Option<string?>("--publish")
        {
            Description = "index: one OCI index per tag (per platform the gzip-compatible manifest first, zstd:chunked last); tags: one tag per variant (<tag>-estargz, <tag>-zstdchunked, <tag> for the original).",
        };
        var level = new Option<string?>("--level", "-l") { Description = "Compression level for every format (zstd 1-22, gzip 0-9); --zstd-level / --gzip-level override it." };
        var zstdLevel = new Option<string?>("--zstd-level") { Description = $"zstd level for zstd:chunked layers, {LayerFormats.ZstdChunked.Levels.Min}-{LayerFormats.ZstdChunked.Levels.Max} (default {LayerFormats.ZstdChunked.Levels.Default})." };
        var gzipLevel = new Option<string?>("--gzip-level") { Description = $"gzip level for eStargz layers, {LayerFormats.EStargz.Levels.Min}-{LayerFormats.EStargz.Levels.Max} (default {LayerFormats.EStargz.Levels.Default})." };
        var chunkSize = new Option<string?>("--chunk-size") { Description = "eStargz chunk size in bytes, 1-268435456 (default 4194304)." };
        var jobs = new Option<string?>("--jobs", "-j") { Description = "Layers converted at once, 1-1024 (default: one per core). Output bytes never depend on it." };
        var strict = new Option<bool>("--strict") { Description = "Fail when a format cannot represent a layer, instead of keeping that layer in its original compression with a warning." };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not read or write the converted-layer cache." };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "The converted-layer cache folder (default: $XDG_CACHE_HOME/chunkedbuild or ~/.cache/chunkedbuild; none: no cache, as --no-cache)." };
        var cacheTo = new Option<string?>("--cache-to")
        {
            Description = $"The registry cache new conversions are recorded in (and looked up first): [docker://]registry/repo[:tag], tag default '{RegistryCacheOptions.DefaultTag}'. " +
                          "Default: the destination's repository when it is a registry.",
        };
        var cacheFrom = new Option<string[]>("--cache-from")
        {
            Description = "More registry caches to reuse conversions from (read only; other repositories and registries too). Repeatable. Every entry is verified against the source before use.",
            AllowMultipleArgumentsPerToken = false,
        };
        var noRegistryCache = new Option<bool>("--no-registry-cache") { Description = "Neither look conversions up in registry caches nor record them." };
        var prioritizeFile = new Option<string?>("--prioritize-file") { Description = "A prioritization manifest (YAML: ordered paths and globs, excludes, per-platform rules; see docs/prioritization.md) for eStargz." };
        var recordIn = new Option<string?>("--record-in") { Description = "An access record to prioritize by: ctr-remote's JSON lines or a plain list of paths." };
        var noPrioritize = new Option<bool>("--no-prioritize") { Description = "No prioritization: eStargz layers get the no-prefetch landmark. (Default: inferred for .NET apps.)" };
        var zstdOrder = new Option<string?>("--zstd-order") { Description = "zstd:chunked entry order: tar (default: the DiffID is kept) or prioritized (the prioritized files first, as in eStargz; new DiffIDs, config rewritten)." };
        var sparse = new Option<string?>("--sparse")
        {
            Description = "Sparse files (GNU tar --sparse): densify (default: written as regular files, the holes as zeros; such a layer gets a new DiffID, " +
                          "the config is rewritten) or refuse (the layer stays in its original compression with warning CHB1102, an error with --strict).",
        };
        var config = new Option<string?>("--config") { Description = $"A settings file with defaults for these options (default: ./{ToolSettings.DefaultFileName} when it exists). Flags override it." };
        var startup = new Option<string?>("--startup")
        {
            Description = "After converting, estimate per variant the bytes a lazy puller fetches before the app starts (as inspect --startup): " +
                          "'auto' (.NET inference) or a prioritization manifest / access record file; printed after the summary and under 'startup' in --json.",
        };
        var link = StartupLinkOption.Create();
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout (tags, digests, per-variant totals, warnings); logs go to stderr." };
        var githubOutput = new Option<string?>("--github-output")
        {
            Description = "Append the step outputs to this file in GitHub's format: digest, estargz-digest, zstd-chunked-digest, original-digest and " +
                          "result (the --json object). In a workflow step: --github-output \"$GITHUB_OUTPUT\".",
            HelpName = "file",
        };
        var summary = new Option<string?>("--summary")
        {
            Description = "Append a Markdown summary to this file: per variant the sizes, layer counts and digests, the tags written, the start-up cost " +
                          "(with --startup), densified sparse files and warnings. In a workflow step: --summary \"$GITHUB_STEP_SUMMARY\".",
            HelpName = "file",
        };
        var replace = new Option<bool>("--replace")
        {
            Description = "Start from an empty destination: replace an existing oci: layout whole (by default the tags written are added to it and " +
                          "everything else stays) or overwrite an existing oci-archive: file (by default an error, except converting a file in place).",
        };
        var spoolLimit = new Option<string?>("--spool-limit")
        {
            Description = "The most bytes a layer may spool to temporary files (reordering for prioritized files, files startup inference reads), " +
                          "e.g. 8G; past it the conversion fails with CHB1203 (default: the larger of 1 GiB and 100 × the compressed layer).",
        };

        var registry = new RegistryCliOptions();
        var command = new CliCommand("convert", "Convert every platform and layer of an image into lazily pullable variants (eStargz, zstd:chunked).", $"""
            The variants go to an OCI layout, an OCI archive or a registry.

            eStargz layers put the files an app reads at start first (prefetched by the snapshotter): inferred from the .NET app by default
            (entry assembly, deps/runtimeconfig, the runtime the host loads), or from --prioritize-file / --record-in.

            Examples:
              dotnet chunked convert bin/Release/net10.0/linux-x64/publish/app.tar.gz oci:out/app
              dotnet chunked convert oci:out/app docker://ghcr.io/org/app:1.0 -u ci --password-stdin < token.txt
              dotnet chunked convert oci-archive:app.tar oci-archive:app-lazy.tar:1.0 --variant estargz
              dotnet chunked convert docker-archive:app.tar oci:out --publish tags --json > result.json
              dotnet chunked convert app.tar.gz oci:out/app --startup auto   # plus the bytes a lazy puller fetches before the app starts
              dotnet chunked convert app.tar.gz docker://ghcr.io/org/app:1.0 --github-output "$GITHUB_OUTPUT" --summary "$GITHUB_STEP_SUMMARY"

            Converted layers are shared through the destination registry (tag {RegistryCacheOptions.DefaultTag} of its repository; --cache-to,
            --cache-from, --no-registry-cache): a fresh CI runner converts only the layers no earlier run converted. Entries are verified against
            the source before use (docs/registry-cache.md); a damaged or forged one is reported (CHB4008) and converted again.

            Settings may come from {ToolSettings.DefaultFileName} (variants, publish, level, zstdLevel, gzipLevel, chunkSize, jobs, strict, cache, cacheDir,
            registryCache, cacheTo, cacheFrom, prioritizeFile, zstdOrder, sparse, spoolLimit).
            SOURCE_DATE_EPOCH sets every timestamp the tool writes (archive entries); unset, they are 1970-01-01.
            {RegistryCliOptions.Help}
            """)
        {
            source, destination, variant, publish, level, zstdLevel, gzipLevel, chunkSize, jobs, strict, noCache, cacheDir, cacheTo, cacheFrom, noRegistryCache,
            prioritizeFile, recordIn, noPrioritize, zstdOrder, sparse, spoolLimit, config, startup, link, json, githubOutput, summary, replace,
        };
        registry.AddTo(command);
        command.Validators.Add(r =>
        {
            var given = new[] { r.GetResult(prioritizeFile) is not null, r.GetResult(recordIn) is not null, r.GetValue(noPrioritize) }.Count(b => b);
            if (given > 1) r.AddError("give at most one of --prioritize-file, --record-in, --no-prioritize");
            if (r.GetValue(noRegistryCache) && (r.GetResult(cacheTo) is not null || r.GetResult(cacheFrom) is not null))
                r.AddError("--no-registry-cache cannot go with --cache-to or --cache-from");
        });
        command.SetAction(async (parse, ct) =>
        {
            using var logs = CliLogging.Create(CommonOptions.LogLevelOf(parse));
            var log = logs.CreateLogger("convert");
            var settings = ToolSettings.Load(parse.GetValue(config));
            var startupList = parse.GetValue(startup) is { } startupValue ? StartupList.Parse(startupValue) : null; // a bad value fails before any work
            var network = StartupLinkOption.Parse(parse, link);
            if (settings.Source is not null) log.LogDebug("settings from {File}", settings.Source);
            var host = ProcessHost.Read();
            // The flags over chunked.yaml's values, each under the name the user gave it; Core's rules parse and check them all.
            var fromFile = settings.ToOptions();
            var request = (fromFile with
            {
                Variants = Over(variant, parse.GetValue(variant), fromFile.Variants),
                Publish = Over(publish, parse.GetValue(publish), fromFile.Publish),
                Level = Over(level, parse.GetValue(level), fromFile.Level),
                ZstdLevel = Over(zstdLevel, parse.GetValue(zstdLevel), fromFile.ZstdLevel),
                GzipLevel = Over(gzipLevel, parse.GetValue(gzipLevel), fromFile.GzipLevel),
                ChunkSize = Over(chunkSize, parse.GetValue(chunkSize), fromFile.ChunkSize),
                Jobs = Over(jobs, parse.GetValue(jobs), fromFile.Jobs),
                Strict = Over(strict, parse.GetValue(strict) ? "true" : null, fromFile.Strict),
                Cache = Over(noCache, parse.GetValue(noCache) ? "false" : null, fromFile.Cache),
                CacheDirectory = Over(cacheDir, parse.GetValue(cacheDir), fromFile.CacheDirectory),
                RegistryCache = Over(noRegistryCache, parse.GetValue(noRegistryCache) ? "false" : null, fromFile.RegistryCache),
                CacheTo = Over(cacheTo, parse.GetValue(cacheTo), fromFile.CacheTo),
                CacheFrom = Over(cacheFrom, parse.GetValue(cacheFrom) is { Length: > 0 } fromFlags ? string.Join(',', fromFlags) : null, fromFile.CacheFrom),
                Prioritization = parse.GetValue(noPrioritize) ? new(noPrioritize.Name, "none")
                    : parse.GetValue(recordIn) is not null ? new(recordIn.Name, "record")
                    : fromFile.Prioritization,
                PrioritizationFile = Over(recordIn, parse.GetValue(recordIn), Over(prioritizeFile, parse.GetValue(prioritizeFile), fromFile.PrioritizationFile)),
                ZstdOrder = Over(zstdOrder, parse.GetValue(zstdOrder), fromFile.ZstdOrder),
                Sparse = Over(sparse, parse.GetValue(sparse), fromFile.Sparse),
                SpoolLimit = Over(spoolLimit, parse.GetValue(spoolLimit), fromFile.SpoolLimit),
            }).ToRequest(host);
            using var progress = new ImageProgress(log, ConsoleMode.IsInteractive);
            var registryTransport = registry.Transport(parse, parse.GetValue(source)!, parse.GetValue(destination)!, progress);
            var transports = new ImageTransports(registryTransport, host.SourceDateEpoch);
            var destinationText = parse.GetValue(destination)!;
            await using var from = transports.OpenSource(parse.GetValue(source)!);
            ConversionResult result;
            string written;
            await using (var to = transports.OpenSink(destinationText, out var tag, parse.GetValue(replace), parse.GetValue(source)))
            {
                if (tag is not null) request = request with { Tags = [tag] };
                log.LogInformation("converting {Source} to {Variants} ({Publish}), {Jobs} layers at once, cache {Cache}",
                    from.DisplayName, string.Join(", ", request.Variants.Select(v => v.Name())), request.Publish.ToString().ToLowerInvariant(), request.Jobs,
                    request.CacheDirectory ?? "off");
                var clock = Stopwatch.StartNew();
                result = await new ImageConverter(request, progress, registryTransport).ConvertAsync(from, to, ct);
                progress.Dispose();
                written = to.DisplayName;
                log.LogInformation("wrote {Destination} in {Seconds:F1} s", written, clock.Elapsed.TotalSeconds);
            }
            // The sink is committed and closed: --startup reads what it wrote back from the destination.
            var startupReport = startupList is null ? null : await ConvertedStartupCost.EstimateAsync(transports, destinationText, result, startupList, host.TempDirectory, ct);
            var resultJson = ImageResults.Json(result, written, startupReport, network);
            Console.Out.WriteLine(parse.GetValue(json) ? resultJson : ImageResults.Summary(result, written));
            if (startupReport is not null && !parse.GetValue(json)) Console.Out.WriteLine(StartupResults.Table(startupReport, network));
            if (parse.GetValue(githubOutput) is { } outputFile) GitHubOutputFile.Append(outputFile, ConversionStepOutputs.Render(result, resultJson));
            if (parse.GetValue(summary) is { } summaryFile) GitHubOutputFile.Append(summaryFile, ConversionJobSummary.Render(result, destinationText, startupReport, network));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The flag when given, else the settings file's value.</summary>
    private static OptionText Over(Option flag, string? value, OptionText fromFile) => value is not null ? new(flag.Name, value) : fromFile;
}
