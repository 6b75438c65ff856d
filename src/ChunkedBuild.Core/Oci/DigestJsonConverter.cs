using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChunkedBuild.Core.Oci;

/// <summary>Reads and writes <see cref="Digest"/> as its canonical string; anything else is a <see cref="JsonException"/>.</summary>
public sealed class DigestJsonConverter : JsonConverter<Digest>
{
    /// <inheritdoc />
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"a {reader.TokenType.ToString().ToLowerInvariant()} where a digest string is expected");
        var text = reader.GetString();
        return Digest.TryParse(text, out var d) ? d : throw new JsonException($"'{(text!.Length > 80 ? text[..80] + "…" : text)}' is not a sha256 digest");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
