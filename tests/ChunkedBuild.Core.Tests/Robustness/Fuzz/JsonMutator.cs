using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChunkedBuild.Core.Tests.Robustness.Fuzz;

/// <summary>
/// Mutates JSON documents the way hostile or broken producers do: mostly structurally (a value replaced by null, a wrong type, an empty
/// or nested container, a member removed or added, a media type swapped, a digest or size changed), sometimes byte by byte (flips,
/// cuts, insertions), so that both the syntax check and the shape check are exercised.
/// </summary>
internal sealed class JsonMutator(Random random)
{
    private static readonly string[] MediaTypes =
    [
        Core.Oci.MediaTypes.OciManifest, Core.Oci.MediaTypes.OciIndex, Core.Oci.MediaTypes.DockerManifest, Core.Oci.MediaTypes.DockerManifestList,
        Core.Oci.MediaTypes.OciLayerGzip, Core.Oci.MediaTypes.OciLayerZstd, Core.Oci.MediaTypes.OciLayerTar, Core.Oci.MediaTypes.OciConfig, "application/x-unknown", "",
    ];

    /// <summary>One to three mutations of <paramref name="json"/>.</summary>
    public byte[] Mutate(byte[] json)
    {
        var result = json;
        var rounds = 1 + random.Next(3);
        for (var i = 0; i < rounds; i++) result = random.Next(10) < 8 ? Structural(result) : Bytes(result);
        return result;
    }

    private byte[] Structural(byte[] json)
    {
        try
        {
            return StructuralOrThrow(json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            // Earlier byte damage (invalid UTF-8, a duplicate member) that the node model refuses: damage the bytes again instead.
            return Bytes(json);
        }
    }

    private byte[] StructuralOrThrow(byte[] json)
    {
        var root = JsonNode.Parse(json);
        if (root is null) return Bytes(json);
        var slots = new List<(JsonNode? Parent, string? Key, int Index, JsonNode? Node)>();
        Collect(null, null, -1, root, slots);
        var (parent, key, index, node) = slots[random.Next(slots.Count)];
        var replacement = Replacement(node);
        if (parent is null)
        {
            root = replacement;
        }
        else if (parent is JsonObject obj)
        {
            switch (random.Next(8))
            {
                case 0: obj.Remove(key!); break;
                case 1: obj["x-" + random.Next(100)] = replacement; break;
                default: obj[key!] = replacement; break;
            }
        }
        else if (parent is JsonArray array)
        {
            switch (random.Next(6))
            {
                case 0: array.RemoveAt(index); break;
                case 1: array.Add(node?.DeepClone()); break;
                default: array[index] = replacement; break;
            }
        }
        return Encoding.UTF8.GetBytes(root?.ToJsonString() ?? "null");
    }

    private JsonNode? Replacement(JsonNode? node) => random.Next(17) switch
    {
        15 => JsonValue.Create("\ud800x"), // written as the escape \uD800: a lone surrogate
        0 => null,
        1 => JsonValue.Create(random.Next(-3, 3)),
        2 => JsonValue.Create(long.MaxValue),
        3 => JsonValue.Create(1e300),
        4 => JsonValue.Create("x"),
        5 => new JsonArray(),
        6 => new JsonObject(),
        7 => new JsonArray((JsonNode?)null),
        8 => new JsonArray(JsonValue.Create(5)),
        9 => JsonValue.Create(true),
        10 => JsonValue.Create(MediaTypes[random.Next(MediaTypes.Length)]),
        11 => JsonValue.Create("sha256:" + new string('a', 64)),
        12 => Nested(random.Next(2, 80)),
        13 => JsonValue.Create(new string('\u00e9', random.Next(0, 300))),
        14 => node is null ? null : new JsonArray(node.DeepClone()),
        _ => node is JsonValue v && v.TryGetValue<long>(out var n) ? JsonValue.Create(n + random.Next(-2, 3)) : JsonValue.Create(""),
    };

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < depth; i++) node = new JsonArray(node);
        return node;
    }

    private static void Collect(JsonNode? parent, string? key, int index, JsonNode? node, List<(JsonNode?, string?, int, JsonNode?)> into)
    {
        into.Add((parent, key, index, node));
        switch (node)
        {
            case JsonObject obj:
                foreach (var (k, v) in obj.ToList()) Collect(obj, k, -1, v, into);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Collect(array, null, i, array[i], into);
                break;
        }
    }

    /// <summary>Byte-level damage: a flipped bit, a cut, an inserted or deleted span, a duplicated span.</summary>
    public byte[] Bytes(byte[] data)
    {
        if (data.Length == 0) return [(byte)random.Next(256)];
        var at = random.Next(data.Length);
        switch (random.Next(5))
        {
            case 0:
                var flipped = (byte[])data.Clone();
                flipped[at] ^= (byte)(1 << random.Next(8));
                return flipped;
            case 1:
                return data[..at];
            case 2:
                var insert = new byte[random.Next(1, 8)];
                random.NextBytes(insert);
                return [.. data[..at], .. insert, .. data[at..]];
            case 3:
                return [.. data[..at], .. data[Math.Min(data.Length, at + random.Next(1, 16))..]];
            default:
                var length = Math.Min(data.Length - at, random.Next(1, 64));
                return [.. data[..(at + length)], .. data[at..]];
        }
    }
}
