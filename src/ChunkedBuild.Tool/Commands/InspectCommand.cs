using System.CommandLine;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Tool.Output;

namespace ChunkedBuild.Tool.Commands;

/// <summary><c>dotnet chunked inspect &lt;image&gt;</c>: index → manifests → layers with formats, sizes, TOC digests and entry counts.</summary>
public static class InspectCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "The image: oci:<dir>[:<ref>], oci-archive:<file>[:<ref>], docker-archive:<file>, docker://…, or a path." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout." };
        var noEntries = new Option<bool>("--no-entries") { Description = "Do not fetch lazy layers to count their TOC entries." };
        var startup = new Option<string?>("--startup")
        {
            Description = "Also estimate the bytes a lazy puller fetches before the app starts, per variant: 'auto' (.NET inference) or a prioritization manifest / access record file.",
        };
        var registryCheck = new Option<bool>("--registry-check")
        {
            Description = "Only check the image's registry (docker://…): whether it serves the single- and multi-range GETs eStargz lazy and zstd:chunked partial pulls send.",
        };
        var baseLayers = new Option<bool>("--base-layers")
        {
            Description = "Print only the base layers' digests, one per line: every manifest's layers but its top one, each once, sorted. " +
                          "They change with the base image, not with a new build of the app (the action keys its layer cache on them).",
        };
        var link = StartupLinkOption.Create();
        var registry = new RegistryCliOptions();
        var command = new CliCommand("inspect", "Show what an image holds: platforms, variants and, per layer, format, size and TOC.", $"""
            For each platform manifest its variant and, per layer, the format (estargz, zstd:chunked, gzip, zstd, tar),
            size, TOC digest and TOC entry count. With --startup, also the lazy-pull cost: per variant, the compressed bytes fetched before the
            app starts (eStargz: prefetch range + listed files outside it + TOCs; zstd:chunked: listed files' frames + TOC/tar-split frames;
            original: the whole image) against the image's compressed size, and the network time before the app can start at --link
            (default {LinkProfile.Default.ToSpec()}): the whole image for a full pull, the prefetch, TOCs and on-demand reads for a lazy one.
            With --registry-check (docker:// only), nothing else: one single-range and one multi-range GET of the smallest lazy layer,
            compared with the blob, and per variant whether its pulls will work against that registry (exit code 0 either way; the
            verdicts say it).

            Examples:
              dotnet chunked inspect oci:out/app:latest
              dotnet chunked inspect oci-archive:app-lazy.tar --json | jq '.images[0].manifests[].variant'
              dotnet chunked inspect oci:out/app:latest --startup auto
              dotnet chunked inspect docker://ghcr.io/org/app:1.0 --startup auto --link 1gbit,5ms
              dotnet chunked inspect app.tar.gz --base-layers --no-entries | sha256sum   # a cache key that changes with the base image
              dotnet chunked inspect docker://ghcr.io/org/app:1.0 --registry-check
            {RegistryCliOptions.Help}
            """)
        {
            image, json, noEntries, startup, link, baseLayers, registryCheck,
        };
        registry.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var network = StartupLinkOption.Parse(parse, link); // a bad value fails before any work
            var transports = new ImageTransports(registry.Transport(parse, parse.GetValue(image)!, destination: null), null);
            await using var source = transports.OpenSource(parse.GetValue(image)!);
            if (parse.GetValue(registryCheck))
            {
                if (source is not RegistryImageSource remote)
                    throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"--registry-check needs a registry image (docker://…), not {source.DisplayName}");
                var check = await RegistryChecker.CheckAsync(remote, await ImageInspector.InspectAsync(source, false, null, ct), ct);
                Console.Out.WriteLine(parse.GetValue(json) ? JsonText.Object(w => ImageResults.WriteRegistryCheck(w, check)) : ImageResults.RegistryCheckText(check).TrimEnd());
                return ExitCodes.Ok;
            }
            var images = await ImageInspector.InspectAsync(source, !parse.GetValue(noEntries), null, ct);
            if (parse.GetValue(baseLayers))
            {
                foreach (var digest in BaseLayers.Of(images)) Console.Out.WriteLine(digest);
                return ExitCodes.Ok;
            }
            var report = parse.GetValue(startup) is { } list ? await StartupCostEstimator.EstimateAsync(source, StartupList.Parse(list), ProcessHost.Read().TempDirectory, ct) : null;
            Console.Out.WriteLine(parse.GetValue(json) ? ImageResults.InspectJson(images, report, network) : ImageResults.Listing(images, source.DisplayName));
            if (report is not null && !parse.GetValue(json)) Console.Out.WriteLine(StartupResults.Table(report, network));
            return ExitCodes.Ok;
        });
        return command;
    }
}
