using System.Text.Json.Serialization;

namespace ChunkedBuild.Core.Conversion.Planning;

/// <summary>The files to fetch first for one platform image: the image-level list and its split into each layer's own spelling.</summary>
public sealed record PrioritizationPlan
{
    /// <summary>Image paths in priority order (absolute, normalized).</summary>
    [JsonPropertyName("paths")] public required IReadOnlyList<string> Paths { get; init; }

    /// <summary>Per layer (base first), the entry names to place first, as the layer's tar spells them.</summary>
    [JsonPropertyName("layers")] public required IReadOnlyList<IReadOnlyList<string>> Layers { get; init; }

    /// <summary>Why the list is empty (e.g. "not a .NET app"), when it is.</summary>
    [JsonPropertyName("reason")] public string? Reason { get; init; }

    /// <summary>
    /// The error code that goes with <see cref="Reason"/> when the list is empty because a file of the image is malformed (e.g. CHB2005 for a
    /// runtimeconfig that is not a JSON object): reported as a warning rather than an info line. Null otherwise.
    /// </summary>
    [JsonPropertyName("reasonCode")] public string? ReasonCode { get; init; }

    /// <summary>Where the list came from: auto, manifest or record.</summary>
    [JsonPropertyName("source")] public required string Source { get; init; }

    /// <summary>A plan that prioritizes nothing.</summary>
    public static PrioritizationPlan Empty(int layerCount, string reason, string source) =>
        new() { Paths = [], Layers = [.. Enumerable.Range(0, layerCount).Select(_ => (IReadOnlyList<string>)[])], Reason = reason, Source = source };
}
