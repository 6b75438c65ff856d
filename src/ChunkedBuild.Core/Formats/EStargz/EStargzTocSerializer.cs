using System.Buffers;
using System.Text;
using ChunkedBuild.Core.Json;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>
/// Writes the eStargz TOC JSON: <c>{"version":1,"entries":[…]}</c>, keys in <c>estargz.TOCEntry</c> struct order with
/// Go's <c>omitempty</c> rules, xattr keys sorted bytewise (Go map order), values base64, Go string escaping.
/// <para>
/// Layout choice: the reference writer uses <c>json.MarshalIndent(toc, "", "\t")</c>; ChunkedBuild writes the same
/// document compact (no whitespace, no trailing newline), which keeps the TOC smaller. Readers parse any JSON and the
/// <c>toc.digest</c> annotation is the sha256 of exactly these bytes, so the layout is not part of the format. A
/// trailing newline is avoided on purpose: stargz-snapshotter hashes only what its JSON decoder consumes.
/// </para>
/// </summary>
public static class EStargzTocSerializer
{
    /// <summary>Serializes the TOC (every entry of the layer except <c>stargz.index.json</c>, in stream order).</summary>
    public static byte[] Serialize(IReadOnlyList<EStargzTocEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, entries.Count * 160));
        var w = new GoJsonWriter(buffer);
        w.StartObject();
        w.Property("version", 1);
        w.Name("entries");
        w.StartArray();
        foreach (var e in entries) WriteEntry(w, e);
        w.EndArray();
        w.EndObject();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteEntry(GoJsonWriter w, EStargzTocEntry e)
    {
        w.StartObject();
        w.Property("name", e.Name);
        w.Property("type", e.Type);
        w.PropertyOmitEmpty("size", e.Size);
        w.PropertyOmitEmpty("modtime", e.ModTime);
        w.PropertyOmitEmpty("linkName", e.LinkName);
        w.PropertyOmitEmpty("mode", e.Mode);
        w.PropertyOmitEmpty("uid", e.Uid);
        w.PropertyOmitEmpty("gid", e.Gid);
        w.PropertyOmitEmpty("userName", e.UserName);
        w.PropertyOmitEmpty("groupName", e.GroupName);
        w.PropertyOmitEmpty("offset", e.Offset);
        w.PropertyOmitEmpty("innerOffset", e.InnerOffset);
        w.PropertyOmitEmpty("devMajor", e.DevMajor);
        w.PropertyOmitEmpty("devMinor", e.DevMinor);
        if (e.Xattrs.Count > 0)
        {
            w.Name("xattrs");
            w.StartObject();
            foreach (var key in e.Xattrs.Keys.Order(Utf8Order.Instance)) w.Property(key, Convert.ToBase64String(e.Xattrs[key]));
            w.EndObject();
        }
        w.PropertyOmitEmpty("digest", e.Digest);
        w.PropertyOmitEmpty("chunkOffset", e.ChunkOffset);
        w.PropertyOmitEmpty("chunkSize", e.ChunkSize);
        w.PropertyOmitEmpty("chunkDigest", e.ChunkDigest);
        w.EndObject();
    }

    /// <summary>Go sorts map keys as strings, i.e. by their UTF-8 bytes (differs from UTF-16 order above U+D7FF).</summary>
    private sealed class Utf8Order : IComparer<string>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(string? x, string? y) =>
            Encoding.UTF8.GetBytes(x ?? "").AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y ?? ""));
    }
}
