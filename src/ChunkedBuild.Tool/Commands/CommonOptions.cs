using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace ChunkedBuild.Tool.Commands;

/// <summary>Options every command understands.</summary>
public static class CommonOptions
{
    /// <summary>More log output (debug level, stack traces of internal errors).</summary>
    public static Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Log more (debug level); show stack traces of internal errors.", Recursive = true };

    /// <summary>Only warnings and errors.</summary>
    public static Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Log only warnings and errors.", Recursive = true };

    /// <summary>The log level the options ask for.</summary>
    public static LogLevel LogLevelOf(ParseResult result) =>
        result.GetValue(Verbose) ? LogLevel.Debug : result.GetValue(Quiet) ? LogLevel.Warning : LogLevel.Information;
}
