using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ChunkedBuild.Core.Oci;

/// <summary>
/// An image config (OCI or Docker) held as a JSON tree, so that changing <c>rootfs.diff_ids</c> keeps every other
/// field, known or not, exactly as it was (history, labels, vendor extensions). The fields ChunkedBuild reads have their shape checked
/// when the config is parsed (<see cref="ImageConfigFields"/>), so reading them never fails later.
/// </summary>
public sealed class ImageConfig
{
    private readonly JsonObject _root;
    private readonly ImageConfigFields _fields;

    private ImageConfig(JsonObject root, ImageConfigFields fields)
    {
        _root = root;
        _fields = fields;
    }

    /// <summary>
    /// Parses a config; anything but a JSON object whose known fields have their types (strings, arrays of strings, digests; <c>null</c>
    /// allowed where Go's decoder allows it) is a <see cref="JsonException"/> naming the JSON path and the rule.
    /// </summary>
    public static ImageConfig Parse(ReadOnlyMemory<byte> json)
    {
        var fields = OciJson.Parse<ImageConfigFields>(json);
        return new ImageConfig((JsonObject)JsonNode.Parse(json.Span)!, fields);
    }

    /// <summary>The platform the config declares.</summary>
    public Platform Platform => new()
    {
        Architecture = _fields.Architecture,
        Os = _fields.Os,
        Variant = _fields.Variant,
        OsVersion = _fields.OsVersion,
    };

    /// <summary>The layer DiffIDs (<c>rootfs.diff_ids</c>), base first.</summary>
    public IReadOnlyList<Digest> DiffIds => _fields.RootFs?.DiffIds ?? [];

    /// <summary><c>config.Entrypoint</c>, or empty.</summary>
    public IReadOnlyList<string> Entrypoint => _fields.Config?.Entrypoint ?? [];

    /// <summary><c>config.Cmd</c>, or empty.</summary>
    public IReadOnlyList<string> Cmd => _fields.Config?.Cmd ?? [];

    /// <summary><c>config.Env</c> (<c>NAME=value</c> strings), or empty.</summary>
    public IReadOnlyList<string> Env => _fields.Config?.Env ?? [];

    /// <summary><c>config.WorkingDir</c>, or null.</summary>
    public string? WorkingDir => _fields.Config?.WorkingDir;

    /// <summary>A copy with <c>rootfs.diff_ids</c> replaced; every other field is kept.</summary>
    public ImageConfig WithDiffIds(IEnumerable<Digest> diffIds)
    {
        var ids = diffIds.ToList();
        var copy = (JsonObject)_root.DeepClone();
        var rootfs = copy["rootfs"] as JsonObject ?? new JsonObject { ["type"] = "layers" };
        rootfs["diff_ids"] = new JsonArray(ids.Select(d => (JsonNode)JsonValue.Create(d.ToString())!).ToArray());
        copy["rootfs"] = rootfs;
        return new ImageConfig(copy, _fields with { RootFs = (_fields.RootFs ?? new ImageConfigRootFs()) with { DiffIds = ids } });
    }

    /// <summary>The config as compact JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(_root, OciJson.TypeInfo<JsonObject>());
}

/// <summary>The fields of an image config ChunkedBuild reads; their declared types are the shape a config must have.</summary>
internal sealed record ImageConfigFields
{
    [JsonPropertyName("architecture")] public string? Architecture { get; init; }
    [JsonPropertyName("os")] public string? Os { get; init; }
    [JsonPropertyName("variant")] public string? Variant { get; init; }
    [JsonPropertyName("os.version")] public string? OsVersion { get; init; }
    [JsonPropertyName("config")] public ImageRunConfig? Config { get; init; }
    [JsonPropertyName("rootfs")] public ImageConfigRootFs? RootFs { get; init; }
}

/// <summary>An image config's <c>config</c> object: what the container runs.</summary>
internal sealed record ImageRunConfig
{
    [JsonPropertyName("Entrypoint")] public IReadOnlyList<string>? Entrypoint { get; init; }
    [JsonPropertyName("Cmd")] public IReadOnlyList<string>? Cmd { get; init; }
    [JsonPropertyName("Env")] public IReadOnlyList<string>? Env { get; init; }
    [JsonPropertyName("WorkingDir")] public string? WorkingDir { get; init; }
}

/// <summary>An image config's <c>rootfs</c> object.</summary>
internal sealed record ImageConfigRootFs
{
    [JsonPropertyName("diff_ids")] public IReadOnlyList<Digest>? DiffIds { get; init; }
}
