using System.Text.Json;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>A parsed eStargz TOC.</summary>
/// <param name="Version">The <c>version</c> field.</param>
/// <param name="Entries">The entries in document order.</param>
public sealed record EStargzToc(int Version, IReadOnlyList<EStargzTocEntry> Entries);

/// <summary>
/// Parses TOC JSON the way Go's <c>encoding/json</c> fills <c>estargz.JTOC</c>: keys matched case-insensitively, unknown
/// keys ignored, integers must be integers, xattr values base64. Throws <see cref="FormatException"/> naming the entry.
/// </summary>
public static class EStargzTocParser
{
    /// <summary>Parses <paramref name="json"/>.</summary>
    public static EStargzToc Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"the TOC is not valid JSON{Json.JsonSyntax.Where(e)}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the TOC is not a JSON object");
            var version = 0;
            var entries = new List<EStargzTocEntry>();
            foreach (var property in root.EnumerateObject())
            {
                _ = TocJson.Name(property, "(top level)");
                if (Is(property, "version")) version = (int)Integer(property.Value, "version", "(top level)");
                else if (Is(property, "entries"))
                {
                    if (property.Value.ValueKind == JsonValueKind.Null) continue;
                    if (property.Value.ValueKind != JsonValueKind.Array) throw new FormatException("'entries' is not an array");
                    var index = 0;
                    foreach (var item in property.Value.EnumerateArray()) entries.Add(ParseEntry(item, index++));
                }
            }
            return new EStargzToc(version, entries);
        }
    }

    private static EStargzTocEntry ParseEntry(JsonElement item, int index)
    {
        if (item.ValueKind != JsonValueKind.Object) throw new FormatException($"entry {index} is not an object");
        string name = "", type = "", modTime = "", linkName = "", userName = "", groupName = "", digest = "", chunkDigest = "";
        long size = 0, mode = 0, uid = 0, gid = 0, offset = 0, innerOffset = 0, devMajor = 0, devMinor = 0, chunkOffset = 0, chunkSize = 0;
        var xattrs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var where = $"entry {index}";
        foreach (var p in item.EnumerateObject())
        {
            switch (TocJson.Name(p, where).ToLowerInvariant())
            {
                case "name": name = Text(p.Value, p.Name, where); where = $"entry {index} '{name}'"; break;
                case "type": type = Text(p.Value, p.Name, where); break;
                case "size": size = Integer(p.Value, p.Name, where); break;
                case "modtime": modTime = Text(p.Value, p.Name, where); break;
                case "linkname": linkName = Text(p.Value, p.Name, where); break;
                case "mode": mode = Integer(p.Value, p.Name, where); break;
                case "uid": uid = Integer(p.Value, p.Name, where); break;
                case "gid": gid = Integer(p.Value, p.Name, where); break;
                case "username": userName = Text(p.Value, p.Name, where); break;
                case "groupname": groupName = Text(p.Value, p.Name, where); break;
                case "offset": offset = Integer(p.Value, p.Name, where); break;
                case "inneroffset": innerOffset = Integer(p.Value, p.Name, where); break;
                case "devmajor": devMajor = Integer(p.Value, p.Name, where); break;
                case "devminor": devMinor = Integer(p.Value, p.Name, where); break;
                case "digest": digest = Text(p.Value, p.Name, where); break;
                case "chunkoffset": chunkOffset = Integer(p.Value, p.Name, where); break;
                case "chunksize": chunkSize = Integer(p.Value, p.Name, where); break;
                case "chunkdigest": chunkDigest = Text(p.Value, p.Name, where); break;
                case "xattrs":
                    if (p.Value.ValueKind == JsonValueKind.Null) break;
                    if (p.Value.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: 'xattrs' is not an object");
                    foreach (var x in p.Value.EnumerateObject())
                    {
                        var text = Text(x.Value, TocJson.Name(x, where), where);
                        try
                        {
                            xattrs[x.Name] = Convert.FromBase64String(text);
                        }
                        catch (FormatException e)
                        {
                            throw new FormatException($"{where}: xattr '{x.Name}' is not base64", e);
                        }
                    }
                    break;
            }
        }
        return new EStargzTocEntry
        {
            Name = name, Type = type, Size = size, ModTime = modTime, LinkName = linkName, Mode = mode, Uid = uid, Gid = gid,
            UserName = userName, GroupName = groupName, Offset = offset, InnerOffset = innerOffset, DevMajor = devMajor,
            DevMinor = devMinor, Xattrs = xattrs, Digest = digest, ChunkOffset = chunkOffset, ChunkSize = chunkSize, ChunkDigest = chunkDigest,
        };
    }

    private static bool Is(JsonProperty p, string key) => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase);

    private static string Text(JsonElement value, string key, string where) => TocJson.Text(value, key, where);

    private static long Integer(JsonElement value, string key, string where) => TocJson.Integer(value, key, where);
}
