using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Testing.Oci;

/// <summary>
/// Edits the JSON documents of a test layout folder in place (to make hostile or broken images) and re-links what refers to them: the
/// edited document is written as a new blob and every document that named the old one (manifests, indexes, <c>index.json</c>) gets the
/// new digest and size, up to the root.
/// </summary>
public static class LayoutEditor
{
    /// <summary>Edits the config of the layout's first image manifest.</summary>
    public static void EditConfig(string layout, Action<JsonObject> edit)
    {
        var (_, manifest) = Documents(layout).First(d => d.Json["layers"] is not null);
        var digest = Digest.Parse(manifest["config"]!["digest"]!.GetValue<string>());
        Edit(layout, digest, edit);
    }

    /// <summary>Edits the layout's first image manifest.</summary>
    public static void EditManifest(string layout, Action<JsonObject> edit) => Edit(layout, Documents(layout).First(d => d.Json["layers"] is not null).Digest, edit);

    /// <summary>Edits the layout's first image index blob (not <c>index.json</c>).</summary>
    public static void EditIndex(string layout, Action<JsonObject> edit) => Edit(layout, Documents(layout).First(d => d.Json["manifests"] is not null).Digest, edit);

    /// <summary>Edits <c>index.json</c>.</summary>
    public static void EditIndexJson(string layout, Action<JsonObject> edit)
    {
        var path = Path.Combine(layout, "index.json");
        var json = JsonNode.Parse(File.ReadAllBytes(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    /// <summary>Replaces the blob <paramref name="digest"/> by <paramref name="bytes"/> and re-links its parents; returns the new digest.</summary>
    public static Digest ReplaceBlob(string layout, Digest digest, byte[] bytes)
    {
        var replacement = TestImageLayout.WriteBlob(layout, bytes);
        if (replacement == digest) return digest;
        File.Delete(BlobPath(layout, digest));
        foreach (var (parentDigest, parent) in Documents(layout).ToList())
        {
            if (Relink(parent, digest, replacement, bytes.Length)) ReplaceBlob(layout, parentDigest, Encoding.UTF8.GetBytes(parent.ToJsonString()));
        }
        var indexPath = Path.Combine(layout, "index.json");
        var index = JsonNode.Parse(File.ReadAllBytes(indexPath))!;
        if (Relink(index, digest, replacement, bytes.Length)) File.WriteAllText(indexPath, index.ToJsonString());
        return replacement;
    }

    /// <summary>Replaces (or adds) the entry <paramref name="name"/> of a tar archive (a docker archive's <c>manifest.json</c>…).</summary>
    public static void ReplaceArchiveEntry(string tarPath, string name, byte[] bytes)
    {
        var entries = new List<(string Name, byte[] Data)>();
        using (var file = File.OpenRead(tarPath))
        using (var reader = new TarReader(file))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.Name == name || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                var data = new MemoryStream();
                entry.DataStream?.CopyTo(data);
                entries.Add((entry.Name, data.ToArray()));
            }
        }
        entries.Add((name, bytes));
        using var output = File.Create(tarPath);
        using var writer = new TarWriter(output, TarEntryFormat.Pax);
        foreach (var (entryName, data) in entries)
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entryName) { DataStream = new MemoryStream(data) });
    }

    /// <summary>The path of a blob of the layout.</summary>
    public static string BlobPath(string layout, Digest digest) => Path.Combine(layout, "blobs", "sha256", digest.Hex);

    private static void Edit(string layout, Digest digest, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllBytes(BlobPath(layout, digest)))!.AsObject();
        edit(json);
        ReplaceBlob(layout, digest, Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    /// <summary>Every blob of the layout that is a JSON object, with its digest.</summary>
    private static IEnumerable<(Digest Digest, JsonObject Json)> Documents(string layout)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")).Order(StringComparer.Ordinal))
        {
            JsonObject? json;
            try
            {
                json = JsonNode.Parse(File.ReadAllBytes(file)) as JsonObject;
                Touch(json); // the node model reads lazily: a member named twice or a string that is no Unicode shows only when read
            }
            catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
            {
                continue;
            }
            if (json is not null) yield return (Digest.Parse("sha256:" + Path.GetFileName(file)), json);
        }
    }

    /// <summary>Reads every member and value of <paramref name="node"/>.</summary>
    private static void Touch(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj) Touch(child);
                break;
            case JsonArray array:
                foreach (var child in array) Touch(child);
                break;
            case JsonValue value:
                _ = value.ToJsonString();
                break;
        }
    }

    /// <summary>Points every descriptor in <paramref name="node"/> that names <paramref name="old"/> at <paramref name="replacement"/>.</summary>
    private static bool Relink(JsonNode? node, Digest old, Digest replacement, long size)
    {
        var changed = false;
        switch (node)
        {
            case JsonObject obj:
                if (obj["digest"] is JsonValue value && value.TryGetValue<string>(out var text) && text == old.ToString())
                {
                    obj["digest"] = replacement.ToString();
                    obj["size"] = size;
                    changed = true;
                }
                foreach (var (_, child) in obj.ToList()) changed |= Relink(child, old, replacement, size);
                break;
            case JsonArray array:
                foreach (var child in array.ToList()) changed |= Relink(child, old, replacement, size);
                break;
        }
        return changed;
    }
}
