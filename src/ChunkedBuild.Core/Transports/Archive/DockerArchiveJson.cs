using System.Text.Json;
using System.Text.Json.Serialization;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports.Archive;

/// <summary>The JSON of a docker archive's <c>manifest.json</c>: OCI settings, the contract generated here.</summary>
internal static class DockerArchiveJson
{
    /// <summary><see cref="OciJson.Options"/> with the archive's manifest entries.</summary>
    public static JsonSerializerOptions Options { get; } = OciJson.With(DockerArchiveJsonContext.Default);
}

/// <summary>The compile-time JSON contract of <c>manifest.json</c> (Native AOT: no reflection at run time).</summary>
[JsonSerializable(typeof(List<DockerArchiveManifestEntry>))]
internal sealed partial class DockerArchiveJsonContext : JsonSerializerContext;
