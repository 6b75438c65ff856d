using System.Text.Json;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>The parts of an <c>*.runtimeconfig.json</c> that decide which frameworks the host loads.</summary>
/// <param name="Frameworks">Referenced frameworks (<c>runtimeOptions.framework</c> and <c>frameworks</c>), in order.</param>
/// <param name="IsSelfContained">True when <c>runtimeOptions.includedFrameworks</c> is present (the runtime is in the app folder).</param>
/// <param name="RollForward"><c>runtimeOptions.rollForward</c>, if set.</param>
/// <param name="GlobalizationInvariant">
/// <c>runtimeOptions.configProperties["System.Globalization.Invariant"]</c> (a JSON boolean or the strings <c>true</c> /
/// <c>false</c>, as AppContext reads it), or null when not set.
/// </param>
internal sealed record DotnetRuntimeConfig(IReadOnlyList<(string Name, string Version)> Frameworks, bool IsSelfContained, string? RollForward,
    bool? GlobalizationInvariant = null)
{
    private const string InvariantProperty = "System.Globalization.Invariant";

    /// <summary>Parses the JSON (comments and trailing commas allowed, as the host allows); null when it is not a runtimeconfig.</summary>
    public static DotnetRuntimeConfig? TryParse(byte[] json) => TryParse(json, out _);

    /// <summary>
    /// Parses the JSON (comments and trailing commas allowed, as the host allows); null when it is not a runtimeconfig, with
    /// <paramref name="problem"/> saying why (not JSON, or not a JSON object: the host refuses both too).
    /// </summary>
    public static DotnetRuntimeConfig? TryParse(byte[] json, out string? problem) => AppJson.Read(json, Read, out problem);

    private static (DotnetRuntimeConfig?, string?) Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return (null, $"its root is {Describe(root.ValueKind)}, not a JSON object");
        if (!root.TryGetProperty("runtimeOptions", out var options) || options.ValueKind != JsonValueKind.Object)
            return (new DotnetRuntimeConfig([], false, null), null);
        var frameworks = new List<(string, string)>();
        if (options.TryGetProperty("framework", out var single)) AddFramework(single, frameworks);
        if (options.TryGetProperty("frameworks", out var many) && many.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in many.EnumerateArray()) AddFramework(item, frameworks);
        }
        var selfContained = options.TryGetProperty("includedFrameworks", out var included) && included.ValueKind == JsonValueKind.Array;
        string? rollForward = options.TryGetProperty("rollForward", out var rf) && rf.ValueKind == JsonValueKind.String ? rf.GetString() : null;
        return (new DotnetRuntimeConfig(frameworks, selfContained, rollForward, ReadInvariant(options)), null);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static bool? ReadInvariant(JsonElement options)
    {
        if (!options.TryGetProperty("configProperties", out var properties) || properties.ValueKind != JsonValueKind.Object
            || !properties.TryGetProperty(InvariantProperty, out var value))
            return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            _ => null,
        };
    }

    private static void AddFramework(JsonElement element, List<(string, string)> frameworks)
    {
        if (element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            && element.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String)
            frameworks.Add((name.GetString()!, version.GetString()!));
    }
}
