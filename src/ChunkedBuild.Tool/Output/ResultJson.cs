using System.Text.Json;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Tar;

namespace ChunkedBuild.Tool.Output;

/// <summary>The machine-readable results the tool prints on stdout with <c>--json</c>.</summary>
public static class ResultJson
{

    /// <summary>
    /// <c>{"mediaType","digest","size","diffId","uncompressedSize","tocDigest","annotations":{…}}</c>, then <c>"densified":[…]</c> (see
    /// <see cref="WriteDensified"/>) only when sparse files were densified.
    /// </summary>
    public static string Conversion(LayerWriteResult r) => JsonText.Object(w =>
    {
        w.WriteString("mediaType", r.MediaType);
        w.WriteString("digest", r.Digest.ToString());
        w.WriteNumber("size", r.Size);
        w.WriteString("diffId", r.DiffId.ToString());
        w.WriteNumber("uncompressedSize", r.UncompressedSize);
        w.WriteString("tocDigest", r.TocDigest.ToString());
        w.WriteStartObject("annotations");
        foreach (var (k, v) in r.Annotations) w.WriteString(k, v);
        w.WriteEndObject();
        WriteDensified(w, r.DensifiedEntries);
    });

    /// <summary><c>"densified":[{"name","format","size","storedBytes"}]</c> when <paramref name="entries"/> is not empty; nothing otherwise.</summary>
    public static void WriteDensified(Utf8JsonWriter w, IReadOnlyList<DensifiedEntry> entries)
    {
        if (entries.Count == 0) return;
        w.WriteStartArray("densified");
        foreach (var d in entries)
        {
            w.WriteStartObject();
            w.WriteString("name", d.Name);
            w.WriteString("format", d.Format);
            w.WriteNumber("size", d.Size);
            w.WriteNumber("storedBytes", d.StoredBytes);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary><c>{"ok","failures":[…],"diffId","entries"}</c>; diffId is null when it could not be computed.</summary>
    public static string Verification(LayerValidationResult r) => JsonText.Object(w =>
    {
        w.WriteBoolean("ok", r.IsValid);
        w.WriteStartArray("failures");
        foreach (var f in r.Failures) w.WriteStringValue(f);
        w.WriteEndArray();
        if (r.DiffId is { } d) w.WriteString("diffId", d.ToString());
        else w.WriteNull("diffId");
        w.WriteNumber("entries", r.EntryCount);
    });
}
