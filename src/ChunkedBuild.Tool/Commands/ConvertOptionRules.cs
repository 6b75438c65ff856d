using System.Globalization;
using System.CommandLine.Parsing;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Conversion.Settings;

namespace ChunkedBuild.Tool.Commands;

/// <summary>
/// Runs Core's option rules (<see cref="ConversionSettings"/>) while the command line is parsed, so that a wrong value is a usage error
/// (exit code 2) before any input is read, with the message Core gives for the same value from any edge.
/// </summary>
public static class ConvertOptionRules
{
    /// <summary>Applies <paramref name="rule"/> to the option's last token, named by the option; a refusal becomes the parse error.</summary>
    public static T? Parse<T>(ArgumentResult result, Func<OptionText, T> rule)
    {
        var name = result.Parent is OptionResult o ? o.Option.Name : result.Argument.Name;
        try
        {
            return rule(new OptionText(name, result.Tokens.Count > 0 ? result.Tokens[^1].Value : ""));
        }
        catch (ChunkedBuildException e) when (e.Code == ErrorCodes.InvalidOption)
        {
            result.AddError(e.Message);
            return default;
        }
    }

    /// <summary>Checks the level given on the command line against the range of the format given (<see cref="ConversionSettings.CheckLevel"/>).</summary>
    public static void CheckLevel(CommandResult command, System.CommandLine.Option level, System.CommandLine.Option format)
    {
        // Read from the tokens: a level that is not a number or an unknown format is already an error of that option itself.
        var formatName = command.GetResult(format) is { Tokens: [.., var f] } ? f.Value : LayerFormats.Default.Name;
        if (command.GetResult(level) is not { Tokens: [.., var last] } || LayerFormats.TryGet(formatName) is not { } layerFormat
            || !long.TryParse(last.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return;
        try
        {
            ConversionSettings.CheckLevel(level.Name, layerFormat, value);
        }
        catch (ChunkedBuildException e)
        {
            command.AddError(e.Message);
        }
    }
}
