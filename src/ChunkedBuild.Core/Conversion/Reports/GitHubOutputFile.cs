using System.Text;

namespace ChunkedBuild.Core.Conversion.Reports;

/// <summary>
/// The syntax of GitHub's step output file (<c>$GITHUB_OUTPUT</c>): one line <c>name=value</c> for a one-line value, and for a value
/// with line breaks GitHub's multi-line form,
/// <code>
/// name&lt;&lt;DELIMITER
/// the value's lines
/// DELIMITER
/// </code>
/// where the value ends before the line break that precedes the closing delimiter. The delimiter is chosen so that it occurs nowhere in
/// the value (so no line of the value can close it early), and it is derived from the value alone: the same outputs give the same bytes.
/// </summary>
public static class GitHubOutputFile
{
    /// <summary>The first delimiter tried; a value holding it gets <c>_1</c>, <c>_2</c>, … appended until one is not in the value.</summary>
    public const string BaseDelimiter = "CHUNKEDBUILD_EOF";

    /// <summary>The text to append to the output file for <paramref name="outputs"/>, in their order.</summary>
    /// <exception cref="ArgumentException">An output name is empty or holds <c>=</c>, <c>&lt;</c> or a line break.</exception>
    public static string Render(IEnumerable<KeyValuePair<string, string>> outputs)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in outputs)
        {
            if (name.Length == 0 || name.AsSpan().IndexOfAny("=<\r\n") >= 0)
                throw new ArgumentException($"'{name}' cannot be a step output name (empty, or holds '=', '<' or a line break)", nameof(outputs));
            if (value.AsSpan().IndexOfAny('\r', '\n') < 0)
            {
                text.Append(name).Append('=').Append(value).Append('\n');
                continue;
            }
            var delimiter = DelimiterFor(value);
            text.Append(name).Append("<<").Append(delimiter).Append('\n').Append(value).Append('\n').Append(delimiter).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// <see cref="BaseDelimiter"/>, or the first of <c>CHUNKEDBUILD_EOF_1</c>, <c>_2</c>, … that <paramref name="value"/> does not contain
    /// anywhere (not only as a line): a value cannot end its own heredoc, whatever it holds.
    /// </summary>
    public static string DelimiterFor(string value)
    {
        var delimiter = BaseDelimiter;
        for (var n = 1; value.Contains(delimiter, StringComparison.Ordinal); n++) delimiter = $"{BaseDelimiter}_{n}";
        return delimiter;
    }

    /// <summary>
    /// Appends <paramref name="text"/> to <paramref name="path"/> (created when missing) as UTF-8 without a byte order mark, as GitHub's
    /// runner expects of <c>$GITHUB_OUTPUT</c> and <c>$GITHUB_STEP_SUMMARY</c>: earlier steps' lines stay.
    /// </summary>
    public static void Append(string path, string text)
    {
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        file.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
    }
}
