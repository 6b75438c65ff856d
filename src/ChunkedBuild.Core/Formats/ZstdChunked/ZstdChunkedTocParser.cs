using System.Text.Json;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>A parsed zstd:chunked TOC.</summary>
/// <param name="Entries">Entries in order.</param>
/// <param name="TarSplitDigest">The <c>tarSplitDigest</c> value (empty when absent).</param>
public sealed record ZstdChunkedToc(IReadOnlyList<ZstdChunkedTocEntry> Entries, string TarSplitDigest);

/// <summary>
/// Reads a zstd:chunked TOC the way containers/storage's <c>unmarshalToc</c> does: keys matched case-insensitively,
/// unknown keys skipped, times parsed as RFC 3339, and nothing but whitespace allowed after the object.
/// </summary>
public static class ZstdChunkedTocParser
{
    /// <summary>Parses <paramref name="json"/>; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static ZstdChunkedToc Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the TOC is not valid JSON{Json.JsonSyntax.Where(e)}", e);
        }
        using var doc = parsed;
        if (json[(int)reader.BytesConsumed..].Trim(" \t\r\n"u8).Length != 0)
            throw new FormatException("the TOC has data after its JSON object");
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the TOC is not a JSON object");
        var entries = new List<ZstdChunkedTocEntry>();
        var tarSplitDigest = "";
        foreach (var p in root.EnumerateObject())
        {
            switch (TocJson.Name(p, "the TOC").ToLowerInvariant())
            {
                case "entries":
                    if (p.Value.ValueKind == JsonValueKind.Null) break;
                    if (p.Value.ValueKind != JsonValueKind.Array) throw new FormatException("'entries' is not an array");
                    foreach (var e in p.Value.EnumerateArray()) entries.Add(ParseEntry(e, entries.Count));
                    break;
                case "tarsplitdigest":
                    tarSplitDigest = TocJson.Text(p.Value, p.Name, "the TOC");
                    break;
            }
        }
        return new ZstdChunkedToc(entries, tarSplitDigest);
    }

    private static ZstdChunkedTocEntry ParseEntry(JsonElement e, int index)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new FormatException($"entry {index} is not an object");
        string type = "", name = "", linkName = "", digest = "", chunkDigest = "", chunkType = "";
        long mode = 0, size = 0, uid = 0, gid = 0, devMajor = 0, devMinor = 0, offset = 0, endOffset = 0, chunkSize = 0, chunkOffset = 0;
        TarTime? modTime = null, accessTime = null, changeTime = null;
        var xattrs = new Dictionary<string, string>(StringComparer.Ordinal);
        var where = $"entry {index}";
        foreach (var p in e.EnumerateObject())
        {
            var v = p.Value;
            var key = TocJson.Name(p, where);
            switch (key.ToLowerInvariant())
            {
                case "type": type = TocJson.Text(v, key, where); break;
                case "name": name = TocJson.Text(v, key, where); where = $"entry {index} '{name}'"; break;
                case "linkname": linkName = TocJson.Text(v, key, where); break;
                case "mode": mode = TocJson.Integer(v, key, where); break;
                case "size": size = TocJson.Integer(v, key, where); break;
                case "uid": uid = TocJson.Integer(v, key, where); break;
                case "gid": gid = TocJson.Integer(v, key, where); break;
                case "modtime": modTime = ParseTime(v, key, where); break;
                case "accesstime": accessTime = ParseTime(v, key, where); break;
                case "changetime": changeTime = ParseTime(v, key, where); break;
                case "devmajor": devMajor = TocJson.Integer(v, key, where); break;
                case "devminor": devMinor = TocJson.Integer(v, key, where); break;
                case "xattrs":
                    if (v.ValueKind == JsonValueKind.Object)
                        foreach (var x in v.EnumerateObject()) xattrs[TocJson.Name(x, where)] = TocJson.Text(x.Value, x.Name, where);
                    break;
                case "digest": digest = TocJson.Text(v, key, where); break;
                case "offset": offset = TocJson.Integer(v, key, where); break;
                case "endoffset": endOffset = TocJson.Integer(v, key, where); break;
                case "chunksize": chunkSize = TocJson.Integer(v, key, where); break;
                case "chunkoffset": chunkOffset = TocJson.Integer(v, key, where); break;
                case "chunkdigest": chunkDigest = TocJson.Text(v, key, where); break;
                case "chunktype": chunkType = TocJson.Text(v, key, where); break;
            }
        }
        return new ZstdChunkedTocEntry
        {
            Type = type, Name = name, LinkName = linkName, Mode = mode, Size = size, Uid = uid, Gid = gid,
            ModTime = modTime, AccessTime = accessTime, ChangeTime = changeTime, DevMajor = devMajor, DevMinor = devMinor,
            Xattrs = xattrs, Digest = digest, Offset = offset, EndOffset = endOffset, ChunkSize = chunkSize,
            ChunkOffset = chunkOffset, ChunkDigest = chunkDigest, ChunkType = chunkType,
        };
    }

    private static TarTime? ParseTime(JsonElement v, string key, string where)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        var text = TocJson.Text(v, key, where);
        return TarTime.TryParseRfc3339(text, out var t) ? t : throw new FormatException($"{where}: '{key}' value '{text}' is not RFC 3339");
    }
}
