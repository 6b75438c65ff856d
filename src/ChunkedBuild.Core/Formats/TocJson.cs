using System.Text.Json;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// Reading TOC JSON values the way Go's <c>encoding/json</c> fills the readers' structs (null leaves the zero value, a wrong type is an
/// error), so both TOC parsers refuse a hostile TOC with a <see cref="FormatException"/> naming the entry and the key, never another
/// exception (a string escape that is not valid Unicode included).
/// </summary>
internal static class TocJson
{
    /// <summary>A string member; null reads as empty.</summary>
    public static string Text(JsonElement value, string key, string where) => value.ValueKind switch
    {
        JsonValueKind.String => Decode(value, key, where),
        JsonValueKind.Null => "",
        _ => throw new FormatException($"{where}: '{key}' is not a string"),
    };

    /// <summary>A whole-number member (64-bit); null reads as 0.</summary>
    public static long Integer(JsonElement value, string key, string where)
    {
        if (value.ValueKind == JsonValueKind.Null) return 0;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)) return n;
        throw new FormatException($"{where}: '{key}' is not an integer");
    }

    /// <summary>A member's name (throws <see cref="FormatException"/> for a name that is not valid Unicode).</summary>
    public static string Name(JsonProperty property, string where)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"{where}: a member name is not valid Unicode", e);
        }
    }

    private static string Decode(JsonElement value, string key, string where)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"{where}: '{key}' is not valid Unicode", e);
        }
    }
}
