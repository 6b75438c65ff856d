using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ChunkedBuild.Core.Json;

/// <summary>Text as a JSON string literal, for messages that quote what a user or a document gave.</summary>
public static class JsonText
{
    /// <summary>
    /// <paramref name="text"/> in double quotes, escaped as System.Text.Json escapes by default (control characters, quotes, HTML-sensitive
    /// and non-ASCII characters as <c>\uXXXX</c>), so a name with a newline or a terminal escape prints as one safe token.
    /// </summary>
    public static string Quote(string text)
    {
        var buffer = new ArrayBufferWriter<byte>(text.Length + 2);
        using (var writer = new Utf8JsonWriter(buffer))
            writer.WriteStringValue(text);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
