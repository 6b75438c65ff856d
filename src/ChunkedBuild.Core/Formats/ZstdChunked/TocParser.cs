using System.Text.Json;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// Reads a zstd:chunked TOC the way containers/storage's <c>unmarshalToc</c> does: keys matched case-insensitively,
/// unknown keys skipped, times parsed as RFC 3339, and nothing but whitespace allowed after the object.
/// </summary>
public static class TocParser
{
    /// <summary>The parsed TOC.</summary>
    /// <param name="Entries">Entries in order.</param>
    /// <param name="TarSplitDigest">The <c>tarSplitDigest</c> value (empty when absent).</param>
    public sealed record ParsedToc(IReadOnlyList<TocEntry> Entries, string TarSplitDigest);

    /// <summary>Parses <paramref name="json"/>; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static ParsedToc Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        using var doc = JsonDocument.ParseValue(ref reader);
        if (json[(int)reader.BytesConsumed..].Trim(" \t\r\n"u8).Length != 0)
            throw new FormatException("the TOC has data after its JSON object");
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the TOC is not a JSON object");
        var entries = new List<TocEntry>();
        var tarSplitDigest = "";
        foreach (var p in root.EnumerateObject())
        {
            switch (p.Name.ToLowerInvariant())
            {
                case "entries":
                    if (p.Value.ValueKind != JsonValueKind.Array) throw new FormatException("'entries' is not an array");
                    foreach (var e in p.Value.EnumerateArray()) entries.Add(ParseEntry(e));
                    break;
                case "tarsplitdigest":
                    tarSplitDigest = p.Value.GetString() ?? "";
                    break;
            }
        }
        return new ParsedToc(entries, tarSplitDigest);
    }

    private static TocEntry ParseEntry(JsonElement e)
    {
        string type = "", name = "", linkName = "", digest = "", chunkDigest = "", chunkType = "";
        long mode = 0, size = 0, uid = 0, gid = 0, devMajor = 0, devMinor = 0, offset = 0, endOffset = 0, chunkSize = 0, chunkOffset = 0;
        TarTime? modTime = null, accessTime = null, changeTime = null;
        var xattrs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            var v = p.Value;
            switch (p.Name.ToLowerInvariant())
            {
                case "type": type = v.GetString() ?? ""; break;
                case "name": name = v.GetString() ?? ""; break;
                case "linkname": linkName = v.GetString() ?? ""; break;
                case "mode": mode = v.GetInt64(); break;
                case "size": size = v.GetInt64(); break;
                case "uid": uid = v.GetInt64(); break;
                case "gid": gid = v.GetInt64(); break;
                case "modtime": modTime = ParseTime(v, "modtime"); break;
                case "accesstime": accessTime = ParseTime(v, "accesstime"); break;
                case "changetime": changeTime = ParseTime(v, "changetime"); break;
                case "devmajor": devMajor = v.GetInt64(); break;
                case "devminor": devMinor = v.GetInt64(); break;
                case "xattrs":
                    if (v.ValueKind == JsonValueKind.Object)
                        foreach (var x in v.EnumerateObject()) xattrs[x.Name] = x.Value.GetString() ?? "";
                    break;
                case "digest": digest = v.GetString() ?? ""; break;
                case "offset": offset = v.GetInt64(); break;
                case "endoffset": endOffset = v.GetInt64(); break;
                case "chunksize": chunkSize = v.GetInt64(); break;
                case "chunkoffset": chunkOffset = v.GetInt64(); break;
                case "chunkdigest": chunkDigest = v.GetString() ?? ""; break;
                case "chunktype": chunkType = v.GetString() ?? ""; break;
            }
        }
        return new TocEntry
        {
            Type = type, Name = name, LinkName = linkName, Mode = mode, Size = size, Uid = uid, Gid = gid,
            ModTime = modTime, AccessTime = accessTime, ChangeTime = changeTime, DevMajor = devMajor, DevMinor = devMinor,
            Xattrs = xattrs, Digest = digest, Offset = offset, EndOffset = endOffset, ChunkSize = chunkSize,
            ChunkOffset = chunkOffset, ChunkDigest = chunkDigest, ChunkType = chunkType,
        };
    }

    private static TarTime? ParseTime(JsonElement v, string key)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        var text = v.GetString() ?? "";
        return TarTime.TryParseRfc3339(text, out var t) ? t : throw new FormatException($"'{key}' value '{text}' is not RFC 3339");
    }
}
