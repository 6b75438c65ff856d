using System.CommandLine.Parsing;
using System.Globalization;
using ChunkedBuild.Core.Formats;

namespace ChunkedBuild.Tool.Commands;

/// <summary>
/// The value ranges of <c>layer convert</c>'s options, checked while parsing so that a wrong value is a usage error
/// (exit code 2) before any input is read. The ranges are the formats' own (<see cref="ILayerFormat.Levels"/>,
/// <see cref="LayerFormats.ChunkSizes"/>); the writers check them again (CHB9001).
/// </summary>
public static class ConvertOptionRules
{
    /// <summary>The most compression threads accepted.</summary>
    public const int MaxJobs = 1024;

    /// <summary>Returns an error message when <paramref name="level"/> is outside the level range of <paramref name="format"/>, else null.</summary>
    public static string? CheckLevel(ILayerFormat format, long level)
    {
        var (min, max) = (format.Levels.Min, format.Levels.Max);
        return level < min || level > max
            ? $"--level {level} is out of range for {format.Name} ({format.Compression.ToString().ToLowerInvariant()} levels are {min}-{max})"
            : null;
    }

    /// <summary>
    /// Parses an option's last token as a whole number in [<paramref name="min"/>, <paramref name="max"/>], reporting
    /// "--name 'x' is not a whole number" or "--name x is out of range (min-max)" instead of the parser's type message.
    /// </summary>
    public static long? ParseWholeNumber(ArgumentResult result, long min, long max)
    {
        var name = result.Parent is OptionResult o ? o.Option.Name : result.Argument.Name;
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            result.AddError($"{name} '{text}' is not a whole number");
        else if (value < min || value > max)
            result.AddError($"{name} {value} is out of range ({min}-{max})");
        else
            return value;
        return null;
    }

    /// <summary>Parses an option's last token as a size (<see cref="ByteSize"/>), reporting "--name 'x' is not a size: …" otherwise.</summary>
    public static long? ParseSize(ArgumentResult result)
    {
        var name = result.Parent is OptionResult o ? o.Option.Name : result.Argument.Name;
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (ByteSize.TryParse(text, out var bytes)) return bytes;
        result.AddError($"{name} '{text}' is not a size ({ByteSize.Form})");
        return null;
    }

    /// <summary>The level given on the command line, read from its token (null when absent or not a number).</summary>
    public static long? LevelToken(CommandResult command, System.CommandLine.Option level) =>
        command.GetResult(level) is { Tokens: [.., var last] } && long.TryParse(last.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
            ? l : null;
}
