using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Conversion.Settings;

/// <summary>
/// One option as the user gave it: the name they gave it under (a flag such as <c>--level</c>, a <c>chunked.yaml</c> key such as
/// <c>zstdLevel</c>, an MSBuild property such as <c>ChunkedCompressionLevel</c>) and its text. The edges name the option, so that an error
/// names what the user typed; <see cref="ConversionSettings"/> holds the rules. A null or blank text is an option not given.
/// </summary>
/// <param name="Name">The option's name as the user wrote it.</param>
/// <param name="Text">Its text; null or blank when not given.</param>
public readonly record struct OptionText(string Name, string? Text)
{
    /// <summary>Whether the option was given (its text is not blank).</summary>
    public bool IsGiven => !string.IsNullOrWhiteSpace(Text);

    /// <summary>The text without surrounding blanks ("" when not given).</summary>
    public string Value => Text?.Trim() ?? "";

    /// <summary>The first of <paramref name="options"/> that was given (a flag before the settings file's key), else the first.</summary>
    public static OptionText FirstGiven(params OptionText[] options) => options.FirstOrDefault(o => o.IsGiven, options[0]);

    /// <summary>The CHB9001 error for this option: <c>&lt;name&gt; &lt;what is wrong&gt;</c>.</summary>
    public ChunkedBuildException Invalid(string what) => new(ErrorCodes.InvalidOption, $"{Name} {what}");
}
