using System.CommandLine;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Tool.Commands;

namespace ChunkedBuild.Tool;

/// <summary>The command tree of <c>dotnet chunked</c>: parsing, invocation and the translation of errors into exit codes.</summary>
public static class ChunkedCli
{
    /// <summary>Builds the root command.</summary>
    public static RootCommand Build()
    {
        var layer = new CliCommand("layer", "Convert and verify single layer blobs.", $"""
            Examples:
              dotnet chunked layer convert layer.tar.gz -o layer.zst --json > layer.json
              dotnet chunked layer verify layer.zst --annotations layer.json
            """)
        {
            LayerConvertCommand.Create(), LayerVerifyCommand.Create(),
        };
        var root = new RootCommand("""
            ChunkedBuild: turn container images into lazily pullable zstd:chunked and eStargz images.

            Examples:
              dotnet chunked convert app.tar.gz oci:out/app            # the SDK's PublishContainer archive → OCI layout
              dotnet chunked inspect oci:out/app
              dotnet chunked verify oci:out/app
              dotnet chunked push oci:out/app docker://ghcr.io/org/app:1.0
            """)
        {
            CommonOptions.Verbose, CommonOptions.Quiet,
            ImageConvertCommand.Create(), InspectCommand.Create(), VerifyCommand.Create(), layer, PushCommand.Create(),
        };
        CliHelp.Configure(root);
        return root;
    }

    /// <summary>Parses <paramref name="args"/>, runs the command and returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var cancellation = new ProcessCancellation();
        ParseResult? parse = null;
        try
        {
            var root = Build();
            parse = root.Parse(args);
            if (UsageErrors.IsBareGroup(parse))
            {
                // No command (no arguments at all, or a group such as 'layer' alone): its help, on stderr, as a usage error.
                CliHelp.Write(parse, Console.Error);
                return ExitCodes.Usage;
            }
            if (parse.Errors.Count > 0) return await UsageErrors.ReportAsync(parse, Console.Error);
            // ProcessTerminationTimeout = null: signals are ProcessCancellation's, not System.CommandLine's (which would end the process after 2 s).
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, cancellation.Token);
        }
        catch (Exception) when (cancellation.ExitCode is { } code)
        {
            // Whatever the command threw while unwinding from the signal is the cancellation, not an error of its own.
            await Console.Error.WriteLineAsync($"cancelled ({cancellation.SignalName})");
            return code;
        }
        catch (ChunkedBuildException e)
        {
            // Message already starts with the code: "CHB1106: …" (and is redacted).
            await Console.Error.WriteLineAsync($"error {e.Message}");
            if (IsVerbose(parse) && e.InnerException is { } inner) await Console.Error.WriteLineAsync(Redaction.Text(inner.ToString()));
            return ExitCodes.For(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file system failure the Core did not wrap: an I/O error, not a bug.
            await Console.Error.WriteLineAsync($"error {ErrorCodes.IoError}: {Redaction.Text(e.Message)}");
            return ExitCodes.IoError;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"internal error: {e.GetType().Name}: {Redaction.Text(e.Message)}");
            await Console.Error.WriteLineAsync(IsVerbose(parse)
                ? Redaction.Text(e.ToString())
                : "This is a bug in ChunkedBuild. Please report it with the output of the same command run with --verbose (or CHUNKEDBUILD_DEBUG=1).");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>True with --verbose or CHUNKEDBUILD_DEBUG=1: internal errors then show their stack trace.</summary>
    private static bool IsVerbose(ParseResult? parse) =>
        Environment.GetEnvironmentVariable("CHUNKEDBUILD_DEBUG") == "1" || (parse is not null && parse.Errors.Count == 0 && parse.GetValue(CommonOptions.Verbose));
}
