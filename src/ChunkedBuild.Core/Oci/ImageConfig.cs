using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChunkedBuild.Core.Oci;

/// <summary>
/// An image config (OCI or Docker) held as a JSON tree, so that changing <c>rootfs.diff_ids</c> keeps every other
/// field, known or not, exactly as it was (history, labels, vendor extensions).
/// </summary>
public sealed class ImageConfig
{
    private readonly JsonObject _root;

    private ImageConfig(JsonObject root) => _root = root;

    /// <summary>Parses a config; anything but a JSON object is a <see cref="JsonException"/>.</summary>
    public static ImageConfig Parse(ReadOnlySpan<byte> json) =>
        new(JsonNode.Parse(json) as JsonObject ?? throw new JsonException("the image config is not a JSON object"));

    /// <summary>The platform the config declares.</summary>
    public Platform Platform => new()
    {
        Architecture = String("architecture"),
        Os = String("os"),
        Variant = String("variant"),
        OsVersion = String("os.version"),
    };

    /// <summary>The layer DiffIDs (<c>rootfs.diff_ids</c>), base first.</summary>
    public IReadOnlyList<Digest> DiffIds =>
        (_root["rootfs"]?["diff_ids"] as JsonArray)?.Select(n => Digest.Parse(n?.GetValue<string>() ?? "")).ToList() ?? [];

    /// <summary><c>config.Entrypoint</c>, or empty.</summary>
    public IReadOnlyList<string> Entrypoint => Strings("Entrypoint");

    /// <summary><c>config.Cmd</c>, or empty.</summary>
    public IReadOnlyList<string> Cmd => Strings("Cmd");

    /// <summary><c>config.Env</c> (<c>NAME=value</c> strings), or empty.</summary>
    public IReadOnlyList<string> Env => Strings("Env");

    /// <summary><c>config.WorkingDir</c>, or null.</summary>
    public string? WorkingDir => _root["config"]?["WorkingDir"]?.GetValue<string>();

    /// <summary>A copy with <c>rootfs.diff_ids</c> replaced; every other field is kept.</summary>
    public ImageConfig WithDiffIds(IEnumerable<Digest> diffIds)
    {
        var copy = (JsonObject)_root.DeepClone();
        var rootfs = copy["rootfs"] as JsonObject ?? new JsonObject { ["type"] = "layers" };
        rootfs["diff_ids"] = new JsonArray(diffIds.Select(d => (JsonNode)JsonValue.Create(d.ToString())!).ToArray());
        copy["rootfs"] = rootfs;
        return new ImageConfig(copy);
    }

    /// <summary>The config as compact JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(_root, OciJson.Options);

    private string? String(string key) => _root[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private IReadOnlyList<string> Strings(string key) =>
        (_root["config"]?[key] as JsonArray)?.Select(n => n?.GetValue<string>() ?? "").ToList() ?? [];
}
