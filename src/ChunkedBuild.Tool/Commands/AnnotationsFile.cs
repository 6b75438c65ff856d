using System.Text.Json;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Tool.Commands;

/// <summary>
/// Reads the <c>--annotations</c> file of <c>layer verify</c>: a JSON object of string to string (a layer descriptor's
/// <c>annotations</c>), or the whole output of <c>layer convert --json</c>, whose <c>annotations</c> member is used.
/// </summary>
public static class AnnotationsFile
{
    /// <summary>Reads <paramref name="file"/>; a malformed file is a CHB9001 error, an unreadable one CHB9002.</summary>
    public static IReadOnlyDictionary<string, string> Read(FileInfo file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot read the annotations file '{file.FullName}': {e.Message}", innerException: e);
        }
        try
        {
            return Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"the annotations file '{file.FullName}' is not valid JSON: {e.Message}", innerException: e);
        }
        catch (FormatException e)
        {
            throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"the annotations file '{file.FullName}' {e.Message}", innerException: e);
        }
    }

    /// <summary>Parses the file's bytes; throws <see cref="FormatException"/> when the JSON is not a string map.</summary>
    public static IReadOnlyDictionary<string, string> Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new FormatException($"must hold a JSON object of annotations, not {Describe(root.ValueKind)}");
        if (root.TryGetProperty("annotations", out var inner) && inner.ValueKind == JsonValueKind.Object) root = inner;
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in root.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
                throw new FormatException($"must map annotation keys to strings, but '{p.Name}' is {Describe(p.Value.ValueKind)}");
            if (!map.TryAdd(p.Name, p.Value.GetString()!))
                throw new FormatException($"names the annotation '{p.Name}' twice");
        }
        return map;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
