namespace ChunkedBuild.Testing.Actions;

/// <summary>
/// Reads the files a step writes through <c>GITHUB_OUTPUT</c> and <c>GITHUB_ENV</c>: lines <c>name=value</c>, or a heredoc
/// <c>name&lt;&lt;DELIMITER</c>, the value's lines, then a line equal to <c>DELIMITER</c> (the value has no final newline).
/// </summary>
public static class CommandFile
{
    /// <summary>The name/value pairs in file order (a later value for the same name wins when put in a dictionary).</summary>
    /// <exception cref="InvalidDataException">A line is neither form, or a heredoc is not closed.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0) continue;
            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                var name = line[..heredoc];
                var delimiter = line[(heredoc + 2)..];
                if (delimiter.Length == 0) throw new InvalidDataException($"line {i + 1}: empty heredoc delimiter for '{name}'");
                var value = new List<string>();
                for (i++; ; i++)
                {
                    if (i >= lines.Length) throw new InvalidDataException($"'{name}': the delimiter '{delimiter}' never closes the value");
                    if (lines[i] == delimiter) break;
                    value.Add(lines[i]);
                }
                pairs.Add(KeyValuePair.Create(name, string.Join('\n', value)));
            }
            else if (equals > 0)
            {
                pairs.Add(KeyValuePair.Create(line[..equals], line[(equals + 1)..]));
            }
            else
            {
                throw new InvalidDataException($"line {i + 1} is neither name=value nor name<<DELIMITER: '{line}'");
            }
        }
        return pairs;
    }
}
