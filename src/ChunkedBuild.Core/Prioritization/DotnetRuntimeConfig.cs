using System.Text.Json;

namespace ChunkedBuild.Core.Prioritization;

/// <summary>The parts of an <c>*.runtimeconfig.json</c> that decide which frameworks the host loads.</summary>
/// <param name="Frameworks">Referenced frameworks (<c>runtimeOptions.framework</c> and <c>frameworks</c>), in order.</param>
/// <param name="IsSelfContained">True when <c>runtimeOptions.includedFrameworks</c> is present (the runtime is in the app folder).</param>
/// <param name="RollForward"><c>runtimeOptions.rollForward</c>, if set.</param>
internal sealed record DotnetRuntimeConfig(IReadOnlyList<(string Name, string Version)> Frameworks, bool IsSelfContained, string? RollForward)
{
    /// <summary>Parses the JSON (comments and trailing commas allowed, as the host allows); null when it is not a runtimeconfig.</summary>
    public static DotnetRuntimeConfig? TryParse(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, JsonOptions);
            if (!document.RootElement.TryGetProperty("runtimeOptions", out var options) || options.ValueKind != JsonValueKind.Object)
                return new DotnetRuntimeConfig([], false, null);
            var frameworks = new List<(string, string)>();
            if (options.TryGetProperty("framework", out var single)) AddFramework(single, frameworks);
            if (options.TryGetProperty("frameworks", out var many) && many.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in many.EnumerateArray()) AddFramework(item, frameworks);
            }
            var selfContained = options.TryGetProperty("includedFrameworks", out var included) && included.ValueKind == JsonValueKind.Array;
            string? rollForward = options.TryGetProperty("rollForward", out var rf) && rf.ValueKind == JsonValueKind.String ? rf.GetString() : null;
            return new DotnetRuntimeConfig(frameworks, selfContained, rollForward);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private static void AddFramework(JsonElement element, List<(string, string)> frameworks)
    {
        if (element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            && element.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String)
            frameworks.Add((name.GetString()!, version.GetString()!));
    }
}
