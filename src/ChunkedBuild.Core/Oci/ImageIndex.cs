using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChunkedBuild.Core.Oci;

/// <summary>An OCI image index or a Docker manifest list (same shape; the media type tells them apart).</summary>
public sealed record ImageIndex
{
    /// <summary>Always 2.</summary>
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = 2;
    /// <summary>The index's media type.</summary>
    [JsonPropertyName("mediaType")] public string? MediaType { get; init; }
    /// <summary>The artifact type (artifact indexes only).</summary>
    [JsonPropertyName("artifactType")] public string? ArtifactType { get; init; }
    /// <summary>The manifests (or nested indexes), each with its platform.</summary>
    [JsonPropertyName("manifests")] public required IReadOnlyList<Descriptor> Manifests { get; init; }
    /// <summary>The manifest this one refers to (referrers API).</summary>
    [JsonPropertyName("subject")] public Descriptor? Subject { get; init; }
    /// <summary>Index annotations.</summary>
    [JsonPropertyName("annotations")] public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    /// <summary>Fields this model does not know, kept as read.</summary>
    /// <remarks>Settable, not init-only: System.Text.Json's source generator (<see cref="OciJsonContext"/>) cannot fill an init-only extension-data property.</remarks>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}
