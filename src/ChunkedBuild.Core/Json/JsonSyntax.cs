using System.Globalization;
using System.Text.Json;

namespace ChunkedBuild.Core.Json;

/// <summary>
/// Where a JSON syntax error is, in our words: System.Text.Json's messages ("'x' is an invalid start of a value. LineNumber: 0 |
/// BytePositionInLine: 7.") are for developers, so every parser of documents from outside reports <c>(line L, byte B)</c> instead.
/// </summary>
public static class JsonSyntax
{
    /// <summary><c> (line L, byte B)</c> (1-based) for <paramref name="e"/>, or empty when it carries no position.</summary>
    public static string Where(JsonException e) =>
        e.LineNumber is { } line && e.BytePositionInLine is { } column
            ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {column + 1})")
            : "";
}
