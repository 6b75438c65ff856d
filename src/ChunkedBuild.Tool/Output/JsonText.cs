using System.Text;
using System.Text.Json;

namespace ChunkedBuild.Tool.Output;

/// <summary>The one way the tool prints JSON on stdout: one indented object, media types readable ('+' not escaped).</summary>
public static class JsonText
{
    // Relaxed escaping keeps media types readable; the output is never embedded in HTML.
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes one JSON object whose members <paramref name="body"/> writes.</summary>
    public static string Object(Action<Utf8JsonWriter> body)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Indented))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
