using System.Globalization;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Tool.Commands;

/// <summary>Reads <c>SOURCE_DATE_EPOCH</c> (reproducible-builds.org): the time used for every timestamp the tool writes.</summary>
public static class SourceDateEpoch
{
    /// <summary>The variable's name.</summary>
    public const string Variable = "SOURCE_DATE_EPOCH";

    /// <summary>The time it names, or null when unset (the tool then writes the Unix epoch).</summary>
    /// <exception cref="ChunkedBuildException">CHB9001 when it is set but not a non-negative whole number of seconds.</exception>
    public static DateTimeOffset? Read(Func<string, string?> environment)
    {
        var text = environment(Variable);
        if (string.IsNullOrWhiteSpace(text)) return null;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"{Variable}='{text}' is not a whole number of seconds since 1970");
    }
}
