using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChunkedBuild.Core.Oci;

/// <summary>An OCI image manifest or a Docker v2 schema 2 manifest (same shape; the media type tells them apart).</summary>
public sealed record Manifest
{
    /// <summary>Always 2.</summary>
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = 2;
    /// <summary>The manifest's media type (required for Docker v2, recommended for OCI).</summary>
    [JsonPropertyName("mediaType")] public string? MediaType { get; init; }
    /// <summary>The artifact type (artifacts only).</summary>
    [JsonPropertyName("artifactType")] public string? ArtifactType { get; init; }
    /// <summary>The image config.</summary>
    [JsonPropertyName("config")] public required Descriptor Config { get; init; }
    /// <summary>The layers, base first.</summary>
    [JsonPropertyName("layers")] public required IReadOnlyList<Descriptor> Layers { get; init; }
    /// <summary>The manifest this one refers to (referrers API).</summary>
    [JsonPropertyName("subject")] public Descriptor? Subject { get; init; }
    /// <summary>Manifest annotations.</summary>
    [JsonPropertyName("annotations")] public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    /// <summary>Fields this model does not know, kept as read.</summary>
    /// <remarks>Settable, not init-only: System.Text.Json's source generator (<see cref="OciJsonContext"/>) cannot fill an init-only extension-data property.</remarks>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}
