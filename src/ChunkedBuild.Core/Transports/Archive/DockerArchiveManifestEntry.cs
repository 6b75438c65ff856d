using System.Text.Json.Serialization;

namespace ChunkedBuild.Core.Transports.Archive;

/// <summary>One image in a docker archive's <c>manifest.json</c>.</summary>
public sealed record DockerArchiveManifestEntry
{
    /// <summary>The archive path of the image config, e.g. <c>&lt;hex&gt;.json</c>.</summary>
    [JsonPropertyName("Config")] public required string Config { get; init; }

    /// <summary>The image's names, e.g. <c>hello:1.0</c>.</summary>
    [JsonPropertyName("RepoTags")] public IReadOnlyList<string>? RepoTags { get; init; }

    /// <summary>The archive paths of the layers, base first.</summary>
    [JsonPropertyName("Layers")] public required IReadOnlyList<string> Layers { get; init; }
}
