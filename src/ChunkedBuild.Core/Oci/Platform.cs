using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChunkedBuild.Core.Oci;

/// <summary>The platform of an index entry. Every field is optional: the .NET SDK writes <c>"platform":{}</c>.</summary>
public sealed record Platform
{
    /// <summary>CPU architecture (<c>amd64</c>, <c>arm64</c>…).</summary>
    [JsonPropertyName("architecture")] public string? Architecture { get; init; }
    /// <summary>Operating system (<c>linux</c>…).</summary>
    [JsonPropertyName("os")] public string? Os { get; init; }
    /// <summary>OS version (Windows).</summary>
    [JsonPropertyName("os.version")] public string? OsVersion { get; init; }
    /// <summary>OS features (Windows).</summary>
    [JsonPropertyName("os.features")] public IReadOnlyList<string>? OsFeatures { get; init; }
    /// <summary>CPU variant (<c>v8</c>…).</summary>
    [JsonPropertyName("variant")] public string? Variant { get; init; }
    /// <summary>Fields this model does not know, kept as read.</summary>
    /// <remarks>Settable, not init-only: System.Text.Json's source generator (<see cref="OciJsonContext"/>) cannot fill an init-only extension-data property.</remarks>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary><c>os/architecture[/variant]</c>, or <c>unknown</c>.</summary>
    public override string ToString() =>
        Os is null && Architecture is null ? "unknown" : $"{Os ?? "?"}/{Architecture ?? "?"}{(Variant is null ? "" : "/" + Variant)}";
}
