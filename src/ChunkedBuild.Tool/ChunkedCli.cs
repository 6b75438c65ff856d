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
        var layer = new Command("layer", "Convert and verify single layer blobs.") { LayerConvertCommand.Create(), LayerVerifyCommand.Create() };
        return new RootCommand($"""
            ChunkedBuild: turn container image layers into lazily pullable zstd:chunked and eStargz layers.

            {ExitCodes.Help}
            """)
        {
            CommonOptions.Verbose, CommonOptions.Quiet, layer,
        };
    }

    /// <summary>Parses <paramref name="args"/>, runs the command and returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await Console.Error.WriteLineAsync($"error: {error.Message}");
            await Console.Error.WriteLineAsync("Run 'dotnet chunked --help' (or '<command> --help') for usage.");
            return ExitCodes.Usage;
        }
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancel.Token);
        }
        catch (ChunkedBuildException e)
        {
            await Console.Error.WriteLineAsync($"error {e.Message}");
            return ExitCodes.For(e);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return 130;
        }
        catch (Exception e)
        {
            var verbose = parse.GetValue(CommonOptions.Verbose) || Environment.GetEnvironmentVariable("CHUNKEDBUILD_DEBUG") == "1";
            await Console.Error.WriteLineAsync($"internal error: {e.Message}");
            await Console.Error.WriteLineAsync(verbose ? e.ToString() : "This is a bug in ChunkedBuild; run again with --verbose and report the output.");
            return ExitCodes.InternalError;
        }
    }
}
