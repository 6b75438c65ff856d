using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChunkedBuild.Core.Oci;

/// <summary>An OCI content descriptor (also Docker v2's). Unknown fields are kept, so a rewrite drops nothing.</summary>
public sealed record Descriptor
{
    /// <summary>The media type of the referenced content.</summary>
    [JsonPropertyName("mediaType")] public required string MediaType { get; init; }
    /// <summary>The digest of the referenced bytes.</summary>
    [JsonPropertyName("digest")] public required Digest Digest { get; init; }
    /// <summary>The length of the referenced bytes.</summary>
    [JsonPropertyName("size")] public required long Size { get; init; }
    /// <summary>Alternate download locations.</summary>
    [JsonPropertyName("urls")] public IReadOnlyList<string>? Urls { get; init; }
    /// <summary>Annotations (layer descriptors carry the TOC annotations here).</summary>
    [JsonPropertyName("annotations")] public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    /// <summary>Index entries: the platform of the manifest.</summary>
    [JsonPropertyName("platform")] public Platform? Platform { get; init; }
    /// <summary>The artifact type of an artifact manifest.</summary>
    [JsonPropertyName("artifactType")] public string? ArtifactType { get; init; }
    /// <summary>Fields this model does not know, kept as read.</summary>
    /// <remarks>Settable, not init-only: System.Text.Json's source generator (<see cref="OciJsonContext"/>) cannot fill an init-only extension-data property.</remarks>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The value of annotation <paramref name="key"/>, or null.</summary>
    public string? Annotation(string key) => Annotations is not null && Annotations.TryGetValue(key, out var v) ? v : null;
}
