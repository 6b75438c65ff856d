using System.Buffers;
using ChunkedBuild.Core.Json;

namespace ChunkedBuild.Core.Formats.ZstdChunked;

/// <summary>
/// Writes the TOC JSON as containers/storage does: one compact object, keys in <c>FileMetadata</c> struct order,
/// zero values omitted, xattr keys sorted, Go escaping. The TOC digest is over these bytes.
/// </summary>
public static class ZstdChunkedTocSerializer
{
    /// <summary>Serializes <c>{"version":1,"entries":[…],"tarSplitDigest":"…"}</c>.</summary>
    public static byte[] Serialize(IReadOnlyList<ZstdChunkedTocEntry> entries, string tarSplitDigest)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, entries.Count * 200));
        var w = new GoJsonWriter(buffer);
        w.StartObject();
        w.Property("version", 1);
        w.Name("entries");
        w.StartArray();
        foreach (var e in entries) WriteEntry(w, e);
        w.EndArray();
        w.PropertyOmitEmpty("tarSplitDigest", tarSplitDigest);
        w.EndObject();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteEntry(GoJsonWriter w, ZstdChunkedTocEntry e)
    {
        w.StartObject();
        w.Property("type", e.Type);
        w.Property("name", e.Name);
        w.PropertyOmitEmpty("linkName", e.LinkName);
        w.PropertyOmitEmpty("mode", e.Mode);
        w.PropertyOmitEmpty("size", e.Size);
        w.PropertyOmitEmpty("uid", e.Uid);
        w.PropertyOmitEmpty("gid", e.Gid);
        if (e.ModTime is { } m) w.Property("modtime", m.ToRfc3339());
        if (e.AccessTime is { } a) w.Property("accesstime", a.ToRfc3339());
        if (e.ChangeTime is { } c) w.Property("changetime", c.ToRfc3339());
        w.PropertyOmitEmpty("devMajor", e.DevMajor);
        w.PropertyOmitEmpty("devMinor", e.DevMinor);
        if (e.Xattrs.Count > 0)
        {
            w.Name("xattrs");
            w.StartObject();
            foreach (var key in e.Xattrs.Keys.Order(StringComparer.Ordinal)) w.Property(key, e.Xattrs[key]);
            w.EndObject();
        }
        w.PropertyOmitEmpty("digest", e.Digest);
        w.PropertyOmitEmpty("offset", e.Offset);
        w.PropertyOmitEmpty("endOffset", e.EndOffset);
        w.PropertyOmitEmpty("chunkSize", e.ChunkSize);
        w.PropertyOmitEmpty("chunkOffset", e.ChunkOffset);
        w.PropertyOmitEmpty("chunkDigest", e.ChunkDigest);
        w.PropertyOmitEmpty("chunkType", e.ChunkType);
        w.EndObject();
    }
}
