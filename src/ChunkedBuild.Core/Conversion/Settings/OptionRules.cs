using System.Globalization;

namespace ChunkedBuild.Core.Conversion.Settings;

/// <summary>
/// The value rules options share (numbers, sizes, booleans, lists, names from a set), each with its one CHB9001 message naming the
/// option. <see cref="ConversionSettings"/> applies them to the conversion's options.
/// </summary>
public static class OptionRules
{
    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>], or null when not given.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001: <c>--name 'x' is not a whole number</c>, <c>--name 0 is out of range (1-1024)</c>.</exception>
    public static long? WholeNumber(OptionText option, long min, long max)
    {
        if (!option.IsGiven) return null;
        if (!long.TryParse(option.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw option.Invalid($"'{option.Text}' is not a whole number");
        return value >= min && value <= max ? value : throw option.Invalid(string.Create(CultureInfo.InvariantCulture, $"{value} is out of range ({min}-{max})"));
    }

    /// <summary>A byte size (<see cref="ByteSize.TryParse"/>), or null when not given.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001: <c>--name 'x' is not a size (…)</c>.</exception>
    public static long? Size(OptionText option) =>
        !option.IsGiven ? null : ByteSize.TryParse(option.Value, out var bytes) ? bytes : throw option.Invalid($"'{option.Text}' is not a size ({ByteSize.Form})");

    /// <summary><c>true</c>/<c>yes</c>/<c>on</c> or <c>false</c>/<c>no</c>/<c>off</c> (any case), or null when not given.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001: <c>--name 'x' is not true or false</c>.</exception>
    public static bool? Boolean(OptionText option) => !option.IsGiven ? null : option.Value.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        _ => throw option.Invalid($"'{option.Text}' is not true or false"),
    };

    /// <summary>One of <paramref name="choices"/> by name (any case), or null when not given.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9001: <c>--name 'x' is not a, b or c</c>.</exception>
    public static T? OneOf<T>(OptionText option, IReadOnlyList<(string Name, T Value)> choices) where T : struct
    {
        if (!option.IsGiven) return null;
        foreach (var (name, value) in choices)
            if (name.Equals(option.Value, StringComparison.OrdinalIgnoreCase)) return value;
        throw option.Invalid($"'{option.Text}' is not {Alternatives(choices.Select(c => c.Name))}");
    }

    /// <summary>The items of a list separated by <c>,</c> or <c>;</c> (an MSBuild list or a comma list), blanks dropped.</summary>
    public static IReadOnlyList<string> List(OptionText option) =>
        option.IsGiven ? option.Value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];

    /// <summary><c>a, b or c</c>.</summary>
    public static string Alternatives(IEnumerable<string> names)
    {
        var all = names.ToList();
        return all.Count < 2 ? string.Concat(all) : $"{string.Join(", ", all.Take(all.Count - 1))} or {all[^1]}";
    }
}
