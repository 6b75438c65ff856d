using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChunkedBuild.Core.Oci;

/// <summary>
/// JSON settings for OCI documents ChunkedBuild writes: compact, nulls omitted, '+' and '&lt;' left unescaped (media
/// types stay readable; the SDK's <c>\u002B</c> escapes are read fine). Documents read from elsewhere keep their raw
/// bytes (<see cref="OciDocument{T}"/>), so re-serializing never changes a digest by accident.
/// </summary>
public static class OciJson
{
    /// <summary>The options for every OCI document type.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new DigestJsonConverter() },
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>Parses <paramref name="json"/> as <typeparamref name="T"/>; null or malformed JSON is a <see cref="JsonException"/>.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("the document is null");

    /// <summary>Serializes <paramref name="value"/> compactly.</summary>
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);
}
