using System.Text.Json;
using System.Text.Json.Serialization;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion.Caching;

/// <summary>The JSON of the converted-layer cache's files (records and prioritization plans): OCI settings, contracts generated here.</summary>
internal static class CachingJson
{
    /// <summary><see cref="OciJson.Options"/> with this area's document models.</summary>
    public static JsonSerializerOptions Options { get; } = OciJson.With(CachingJsonContext.Default);
}

/// <summary>The compile-time JSON contracts of the cache's documents (Native AOT: no reflection at run time).</summary>
[JsonSerializable(typeof(LayerCacheRecord))]
[JsonSerializable(typeof(PrioritizationPlan))]
internal sealed partial class CachingJsonContext : JsonSerializerContext;
