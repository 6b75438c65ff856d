using ChunkedBuild.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace ChunkedBuild.Tool.Output;

/// <summary>
/// One plain line per log message, <c>info: text</c>, without the category and event id the simple formatter adds:
/// the tool's logs are read by people and CI logs, not by log processors. Every line passes through <see cref="Redaction"/>.
/// </summary>
public sealed class PlainConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    /// <summary>The name the formatter is registered under.</summary>
    public const string FormatterName = "chunked-plain";

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null) return;
        textWriter.Write(Prefix(logEntry.LogLevel));
        textWriter.WriteLine(Redaction.Text(message));
        if (logEntry.Exception is not null) textWriter.WriteLine(Redaction.Text(logEntry.Exception.ToString()));
    }

    private static string Prefix(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace: ",
        LogLevel.Debug => "debug: ",
        LogLevel.Information => "info: ",
        LogLevel.Warning => "warning: ",
        LogLevel.Error => "error: ",
        LogLevel.Critical => "critical: ",
        _ => "",
    };
}
