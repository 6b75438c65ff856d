using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ChunkedBuild.Core.Json;

/// <summary>
/// Checks that a JSON value has the shape a model type declares, before it is deserialized, so that a document with a
/// <c>null</c>, a wrong type or a missing member is refused with the JSON path and the rule instead of surfacing later as a null
/// reference. The shape is the one System.Text.Json itself uses for the type (its <see cref="JsonTypeInfo"/> contract), read with
/// these rules:
/// <list type="bullet">
/// <item>an object model: a JSON object; <c>required</c> members present; a member whose type is not nullable is never <c>null</c>;
/// members the model does not know are allowed (kept as extension data, or ignored);</item>
/// <item>a collection: a JSON array; a dictionary: a JSON object; their elements and values are never <c>null</c>;</item>
/// <item><see cref="string"/>: a JSON string; <see cref="bool"/>: <c>true</c> or <c>false</c>; <see cref="int"/> and <see cref="long"/>:
/// a whole number in range and not negative (every number in the documents read this way is a count or a size);</item>
/// <item><see cref="JsonElement"/>: anything; any other type: whatever its converter accepts (e.g. a digest string).</item>
/// </list>
/// </summary>
public static class JsonShape
{
    /// <summary>A shape violation: where (a JSONPath such as <c>$.layers[0].size</c>) and which rule.</summary>
    /// <param name="Path">The JSONPath of the offending value.</param>
    /// <param name="Rule">What is wrong, e.g. <c>null where an object is expected</c>.</param>
    public readonly record struct Violation(string Path, string Rule)
    {
        /// <summary><c>path: rule</c>.</summary>
        public override string ToString() => $"{Path}: {Rule}";
    }

    /// <summary>The first place where <paramref name="value"/> breaks the shape of <paramref name="type"/>, or null when it has that shape.</summary>
    public static Violation? Check(JsonElement value, Type type, JsonSerializerOptions options) => Check(value, type, options, "$");

    private static Violation? Check(JsonElement value, Type type, JsonSerializerOptions options, string path)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
            return value.ValueKind == JsonValueKind.Null ? null : Check(value, underlying, options, path);
        if (type == typeof(JsonElement)) return null;
        if (value.ValueKind == JsonValueKind.Null) return new Violation(path, $"null where {Describe(type, options)} is expected");
        if (type == typeof(string)) return Expect(value, JsonValueKind.String, type, options, path) ?? Decodable(value, path);
        if (type == typeof(bool)) return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : Wrong(value, type, options, path);
        if (type == typeof(int) || type == typeof(long)) return CheckCount(value, type, options, path);

        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Object => CheckObject(value, info, options, path),
            JsonTypeInfoKind.Enumerable => CheckArray(value, info, options, path),
            JsonTypeInfoKind.Dictionary => CheckDictionary(value, info, options, path),
            _ => CheckConverted(value, info, path),
        };
    }

    private static Violation? CheckObject(JsonElement value, JsonTypeInfo info, JsonSerializerOptions options, string path)
    {
        if (Expect(value, JsonValueKind.Object, info.Type, options, path) is { } wrong) return wrong;
        var members = info.Properties.Where(p => !p.IsExtensionData).ToDictionary(p => p.Name, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (NameOf(property) is not { } name) return new Violation(path, "a member name that is not valid Unicode");
            if (!members.TryGetValue(name, out var member)) continue;
            seen.Add(name);
            var at = Member(path, name);
            if (property.Value.ValueKind == JsonValueKind.Null && member.IsSetNullable) continue;
            if (Check(property.Value, member.PropertyType, options, at) is { } violation) return violation;
        }
        var missing = members.Values.FirstOrDefault(m => m.IsRequired && !seen.Contains(m.Name));
        return missing is null ? null : new Violation(path, $"the required member '{missing.Name}' is missing");
    }

    private static Violation? CheckArray(JsonElement value, JsonTypeInfo info, JsonSerializerOptions options, string path)
    {
        if (Expect(value, JsonValueKind.Array, info.Type, options, path) is { } wrong) return wrong;
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (Check(item, info.ElementType!, options, $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]") is { } violation) return violation;
            i++;
        }
        return null;
    }

    private static Violation? CheckDictionary(JsonElement value, JsonTypeInfo info, JsonSerializerOptions options, string path)
    {
        if (Expect(value, JsonValueKind.Object, info.Type, options, path) is { } wrong) return wrong;
        foreach (var property in value.EnumerateObject())
        {
            if (NameOf(property) is not { } name) return new Violation(path, "a member name that is not valid Unicode");
            if (Check(property.Value, info.ElementType!, options, Member(path, name)) is { } violation) return violation;
        }
        return null;
    }

    /// <summary>A member's name, or null when it cannot be decoded (an escaped lone surrogate).</summary>
    private static string? NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A string that decodes to valid UTF-16 (JSON can escape a lone surrogate, which no string can hold).</summary>
    private static Violation? Decodable(JsonElement value, string path)
    {
        try
        {
            _ = value.GetString();
            return null;
        }
        catch (InvalidOperationException)
        {
            return new Violation(path, "a string that is not valid Unicode (an escaped lone surrogate)");
        }
    }

    private static Violation? CheckCount(JsonElement value, Type type, JsonSerializerOptions options, string path)
    {
        if (value.ValueKind != JsonValueKind.Number) return Wrong(value, type, options, path);
        var inRange = type == typeof(int) ? value.TryGetInt32(out var small) && small >= 0 : value.TryGetInt64(out var large) && large >= 0;
        return inRange ? null : new Violation(path, $"{value.GetRawText()} is not {Describe(type, options)}");
    }

    /// <summary>A type with its own converter (a digest…): the value has its shape when the converter accepts it.</summary>
    private static Violation? CheckConverted(JsonElement value, JsonTypeInfo info, string path)
    {
        try
        {
            value.Deserialize(info);
            return null;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return new Violation(path, e is JsonException { Message: var message } && !message.Contains("Path:", StringComparison.Ordinal)
                ? message
                : $"{Kind(value)} is not a valid {info.Type.Name}");
        }
    }

    private static Violation? Expect(JsonElement value, JsonValueKind kind, Type type, JsonSerializerOptions options, string path) =>
        value.ValueKind == kind ? null : Wrong(value, type, options, path);

    private static Violation Wrong(JsonElement value, Type type, JsonSerializerOptions options, string path) =>
        new(path, $"{Kind(value)} where {Describe(type, options)} is expected");

    /// <summary>What a model type looks like in JSON, for messages.</summary>
    private static string Describe(Type type, JsonSerializerOptions options)
    {
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "a boolean";
        if (type == typeof(int) || type == typeof(long)) return "a non-negative whole number";
        return options.GetTypeInfo(type).Kind switch
        {
            JsonTypeInfoKind.Object => "an object",
            JsonTypeInfoKind.Enumerable => "an array",
            JsonTypeInfoKind.Dictionary => "an object (a map)",
            _ => $"a {type.Name}",
        };
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary><c>$.name</c>, or <c>$["odd name"]</c> (JSON-escaped) for names that are not plain identifiers.</summary>
    private static string Member(string path, string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') && !char.IsAsciiDigit(name[0])
            ? $"{path}.{name}"
            : $"{path}[{JsonText.Quote(name)}]";
}
