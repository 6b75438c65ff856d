using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace ChunkedBuild.Tool.Output;

/// <summary>Logging for the tool: everything goes to stderr, so stdout carries only results.</summary>
public static class CliLogging
{
    /// <summary>A logger factory writing plain lines to stderr at the given minimum level.</summary>
    public static ILoggerFactory Create(LogLevel minimum) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(minimum);
        builder.AddConsole(o => o.FormatterName = PlainConsoleFormatter.FormatterName);
        // The formatter alone: AddConsoleFormatter would also bind its options from configuration (reflection, which Native AOT refuses),
        // and the tool reads no logging configuration.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, PlainConsoleFormatter>());
        // Every level to stderr: stdout is reserved for results (one JSON object with --json).
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    });
}
