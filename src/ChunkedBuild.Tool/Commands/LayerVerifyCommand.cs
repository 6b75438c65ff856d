using System.CommandLine;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Tool.Output;

namespace ChunkedBuild.Tool.Commands;

/// <summary><c>dotnet chunked layer verify</c>: the readers' checks over one blob.</summary>
public static class LayerVerifyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var blob = new Argument<FileInfo>("blob") { Description = "The zstd:chunked or eStargz blob to check." };
        var format = new Option<string?>("--format", "-f")
        {
            Description = "zstd-chunked or estargz; by default from the blob's compression (gzip: estargz, zstd: zstd-chunked), else from the annotations.",
        }.AcceptOnlyFromAmong([.. LayerFormats.Names]);
        var annotations = new Option<FileInfo?>("--annotations", "-a")
        {
            Description = "A JSON file with the layer descriptor's annotations (a string map, or the output of `layer convert --json`).",
        };
        var tocDigest = new Option<string?>("--toc-digest") { Description = "The expected TOC digest, when no annotations file is given (positions then come from the footer)." };
        var diffId = new Option<string?>("--diff-id") { Description = "The expected DiffID (the image config's rootfs.diff_ids entry)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object {\"ok\", \"failures\": [...], \"diffId\", \"entries\"} on stdout instead of text." };

        var command = new CliCommand("verify", "Check a layer blob the way containers/storage and stargz-snapshotter do.", $"""
            Checks the TOC digest, TOC and tar-split, every file and chunk from its own offset, and the DiffID. Prints one line per failure; exit code 1 if any.

            Examples:
              dotnet chunked layer verify layer.zst --annotations layer.json
              dotnet chunked layer verify layer.esgz --toc-digest sha256:… --diff-id sha256:…
              dotnet chunked layer convert layer.tar -o layer.zst --json > layer.json && dotnet chunked layer verify layer.zst -a layer.json

            """)
        {
            blob, format, annotations, tocDigest, diffId, json,
        };
        command.Validators.Add(r =>
        {
            if (r.GetResult(annotations) is null && r.GetResult(tocDigest) is null)
                r.AddError("give the layer's annotations (--annotations FILE) or its TOC digest (--toc-digest D)");
        });
        command.SetAction(parse =>
        {
            var request = new LayerValidationRequest
            {
                Annotations = parse.GetValue(annotations) is { } file ? AnnotationsFile.Read(file) : null,
                TocDigest = ParseDigest(parse.GetValue(tocDigest), "--toc-digest"),
                DiffId = ParseDigest(parse.GetValue(diffId), "--diff-id"),
            };
            var blobFile = parse.GetValue(blob)!;
            using var stream = Open(blobFile);
            var layerFormat = parse.GetValue(format) is { } name ? LayerFormats.Get(name) : LayerFormatCheck.Infer(request.Annotations, stream);
            var formatName = layerFormat.Name;
            var result = layerFormat.Validator.Validate(stream, request);
            if (parse.GetValue(json)) Console.Out.WriteLine(ResultJson.Verification(result));
            else if (result.IsValid) Console.Out.WriteLine($"ok: {blobFile.Name} is a valid {formatName} layer ({result.EntryCount} TOC entries, DiffID {result.DiffId})");
            else foreach (var failure in result.Failures) Console.Out.WriteLine(failure);
            return result.IsValid ? ExitCodes.Ok : ExitCodes.VerificationFailed;
        });
        return command;
    }

    private static FileStream Open(FileInfo file)
    {
        try
        {
            return file.OpenRead();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot read '{file.FullName}': {e.Message}", innerException: e);
        }
    }

    private static Digest? ParseDigest(string? text, string option) =>
        text is null ? null
        : Digest.TryParse(text, out var d) ? d
        : throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"{option} '{text}' is not a digest of the form sha256:<64 lowercase hex digits>");
}
