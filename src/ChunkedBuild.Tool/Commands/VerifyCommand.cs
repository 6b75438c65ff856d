using System.CommandLine;
using ChunkedBuild.Core.Inspection;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Tool.Output;
using Microsoft.Extensions.Logging;

namespace ChunkedBuild.Tool.Commands;

/// <summary><c>dotnet chunked verify &lt;image&gt;</c>: every layer through the format validators and every DiffID against the decompressed layer.</summary>
public static class VerifyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "The image: oci:<dir>[:<ref>], oci-archive:<file>[:<ref>], docker-archive:<file>, docker://…, or a path." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout: ok and the verdict of every layer." };
        var registry = new RegistryCliOptions();
        var command = new CliCommand("verify", "Check an image as a careful lazy puller would: digests, DiffIDs and the lazy layers' formats.", $"""
            Checks each layer blob against its digest, its decompressed bytes against the config's
            DiffID, and each eStargz / zstd:chunked layer (TOC, chunks, tar-split, footer, annotations) with the format validators.
            Exit code 0 when every check passes, 1 when one fails (each failure is printed).

            Examples:
              dotnet chunked verify oci:out/app:latest
              dotnet chunked verify oci-archive:app-lazy.tar --json
            {RegistryCliOptions.Help}
            """)
        {
            image, json,
        };
        registry.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var logs = CliLogging.Create(CommonOptions.LogLevelOf(parse));
            var log = logs.CreateLogger("verify");
            var transports = new ImageTransports(registry.Transport(parse, parse.GetValue(image)!, destination: null), null);
            await using var source = transports.OpenSource(parse.GetValue(image)!);
            var verdicts = await ImageVerifier.VerifyAsync(source, ProcessHost.Read().TempDirectory, v =>
            {
                if (v.Ok) log.LogInformation("ok    {Platform} {Layer} {Format}", v.Platform, v.Layer.Digest.Hex[..12], v.Format);
                else foreach (var f in v.Failures) log.LogError("FAIL  {Platform} {Layer} {Format}: {Failure}", v.Platform, v.Layer.Digest.Hex[..12], v.Format, f);
            }, ct);
            var ok = verdicts.All(v => v.Ok);
            Console.Out.WriteLine(parse.GetValue(json)
                ? ImageResults.VerifyJson(verdicts)
                : ok ? $"ok: {verdicts.Count} layers verified in {source.DisplayName}" : $"FAILED: {verdicts.Count(v => !v.Ok)} of {verdicts.Count} layers in {source.DisplayName}");
            return ok ? ExitCodes.Ok : ExitCodes.VerificationFailed;
        });
        return command;
    }
}
