using System.Globalization;
using System.Text;
using System.Text.Json;
using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Conversion.Settings;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Inspection;

namespace ChunkedBuild.Tool.Output;

/// <summary>The results of the image commands: a summary table for people, one JSON object for machines.</summary>
public static class ImageResults
{

    /// <summary>
    /// The conversion summary: one row per variant (size vs the original, layers converted / reused from the local cache / shared through a
    /// registry cache / kept), what the registry cache did, then the tags written.
    /// </summary>
    public static string Summary(ConversionResult result, string destination)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{"variant",-14}{"platforms",10}{"layers",12}{"vs original",13}{"converted",11}{"reused",8}{"shared",8}{"kept",6}"));
        foreach (var v in result.Variants)
        {
            var ratio = v.OriginalLayerBytes > 0 ? $"{100.0 * v.LayerBytes / v.OriginalLayerBytes:F1}%" : "-";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{v.Variant.Name(),-14}{v.Manifests.Count,10}{ByteSize.Format(v.LayerBytes),12}{ratio,13}{v.Converted,11}{v.Reused,8}{v.Shared,8}{v.Kept,6}"));
        }
        AppendRegistryCache(text, result.RegistryCache);
        AppendRegistryCheck(text, result.RegistryCheck);
        AppendDensified(text, result);
        text.AppendLine();
        foreach (var tag in result.Tags)
            text.AppendLine($"{destination} {tag.Tag} → {tag.Descriptor.Digest}{(tag.Variant is { } variant ? $" ({variant.Name()})" : "")}");
        return text.ToString().TrimEnd();
    }

    /// <summary>What the registry cache did: hits (shared), misses, rejected entries, bytes saved, where it looked and what it recorded.</summary>
    private static void AppendRegistryCache(StringBuilder text, RegistryCacheReport? cache)
    {
        if (cache is null) return;
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"registry cache: {cache.Hits} hit(s), {cache.Misses} miss(es), {cache.Rejected} rejected; {ByteSize.Format(cache.BytesSaved)} of converted layers reused"));
        text.AppendLine($"  looked in {(cache.LookedUp.Count == 0 ? "nothing" : string.Join(", ", cache.LookedUp))}");
        if (cache.RecordedTo is { } to) text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  recorded {cache.Recorded} new conversion(s) in {to}"));
    }

    /// <summary>What the destination registry does with Range GETs, and per variant whether its pulls will work.</summary>
    private static void AppendRegistryCheck(StringBuilder text, RegistryCheckReport? check)
    {
        if (check is null) return;
        text.AppendLine();
        text.Append(RegistryCheckText(check));
    }

    /// <summary>
    /// The registry check as lines: the repository, the blob probed, the single- and multi-range verdicts (naming the status), and per
    /// variant whether its pulls will work.
    /// </summary>
    public static string RegistryCheckText(RegistryCheckReport check)
    {
        var text = new StringBuilder();
        text.AppendLine($"registry check of {check.Ranges.Repository} (blob {check.Ranges.Blob}):");
        text.AppendLine($"  single-range GET: {check.Ranges.Single.Detail}");
        text.AppendLine($"  multi-range GET: {check.Ranges.Multi.Detail}");
        foreach (var v in check.Variants)
            text.AppendLine($"  {v.Variant.Name()} {v.Pull} pulls: {(v.Works ? "will work" : "will NOT work")} ({v.Reason})");
        return text.ToString();
    }

    /// <summary>
    /// Which sparse files were written as regular files, per variant and layer (their layers have new DiffIDs); nothing when none were.
    /// </summary>
    private static void AppendDensified(StringBuilder text, ConversionResult result)
    {
        var rows = result.Variants
            .SelectMany(v => v.Manifests.SelectMany(m => m.Layers).DistinctBy(l => l.Descriptor.Digest).Where(l => l.DensifiedEntries.Count > 0).Select(l => (v.Variant, Layer: l)))
            .ToList();
        if (rows.Count == 0) return;
        text.AppendLine();
        text.AppendLine("sparse files densified (written as regular files, holes as zeros; these layers have new DiffIDs):");
        foreach (var (variant, layer) in rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {variant.Name()} layer {layer.Descriptor.Digest}: {layer.DensifiedEntries.Count} file(s)"));
            foreach (var d in layer.DensifiedEntries) text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"    {d.Name} ({d.Format}, {ByteSize.Format(d.Size)})"));
        }
    }

    /// <summary>
    /// <c>{"destination","startup":{…} (with <c>--startup</c>, see <see cref="StartupResults.Write"/>),"digest","tags":[{tag,digest,mediaType,variant}],
    /// "variants":[{variant,layerBytes,originalLayerBytes,converted,reused,shared,kept,manifests:[{platform,digest,size,layers:[{digest,size,mediaType,outcome,tocDigest,densified}]}]}],
    /// "registryCache":{lookedUp,recordedTo,hits,misses,rejected,bytesSaved,recorded} (null when none was used),
    /// "registryCheck":{…} (see <see cref="WriteRegistryCheck"/>; null when not probed),"warnings":[…]}</c>.
    /// </summary>
    public static string Json(ConversionResult result, string destination, StartupCostReport? startup = null, LinkProfile? link = null) => JsonText.Object(w =>
    {
        w.WriteString("destination", destination);
        if (startup is not null) StartupResults.Write(w, startup, link ?? LinkProfile.Default);
        w.WriteString("digest", result.Tags.Count > 0 ? result.Tags[0].Descriptor.Digest.ToString() : null);
        w.WriteStartArray("tags");
        foreach (var tag in result.Tags)
        {
            w.WriteStartObject();
            w.WriteString("tag", tag.Tag);
            w.WriteString("digest", tag.Descriptor.Digest.ToString());
            w.WriteString("mediaType", tag.Descriptor.MediaType);
            if (tag.Variant is { } variant) w.WriteString("variant", variant.Name());
            else w.WriteNull("variant");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("variants");
        foreach (var v in result.Variants)
        {
            w.WriteStartObject();
            w.WriteString("variant", v.Variant.Name());
            w.WriteNumber("layerBytes", v.LayerBytes);
            w.WriteNumber("originalLayerBytes", v.OriginalLayerBytes);
            w.WriteNumber("converted", v.Converted);
            w.WriteNumber("reused", v.Reused);
            w.WriteNumber("shared", v.Shared);
            w.WriteNumber("kept", v.Kept);
            w.WriteStartArray("manifests");
            foreach (var m in v.Manifests)
            {
                w.WriteStartObject();
                w.WriteString("platform", m.Platform.ToString());
                w.WriteString("digest", m.Descriptor.Digest.ToString());
                w.WriteNumber("size", m.Descriptor.Size);
                w.WriteStartArray("layers");
                foreach (var l in m.Layers)
                {
                    w.WriteStartObject();
                    w.WriteString("digest", l.Descriptor.Digest.ToString());
                    w.WriteNumber("size", l.Descriptor.Size);
                    w.WriteString("mediaType", l.Descriptor.MediaType);
                    w.WriteString("outcome", l.Outcome.ToString().ToLowerInvariant());
                    if (l.TocDigest is { } toc) w.WriteString("tocDigest", toc.ToString());
                    ResultJson.WriteDensified(w, l.DensifiedEntries);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteRegistryCache(w, result.RegistryCache);
        WriteRegistryCheck(w, result.RegistryCheck);
        w.WriteStartArray("warnings");
        foreach (var warning in result.Warnings.Order(StringComparer.Ordinal)) w.WriteStringValue(warning);
        w.WriteEndArray();
    });

    /// <summary>
    /// <c>"registryCheck":{repository,blob,single:{works,status,detail},multi:{works,status,detail},variants:[{variant,pull,works,reason}]}</c>,
    /// null when the destination was not probed.
    /// </summary>
    public static void WriteRegistryCheck(Utf8JsonWriter w, RegistryCheckReport? check)
    {
        if (check is null)
        {
            w.WriteNull("registryCheck");
            return;
        }
        w.WriteStartObject("registryCheck");
        w.WriteString("repository", check.Ranges.Repository);
        w.WriteString("blob", check.Ranges.Blob.ToString());
        foreach (var (name, range) in new[] { ("single", check.Ranges.Single), ("multi", check.Ranges.Multi) })
        {
            w.WriteStartObject(name);
            w.WriteBoolean("works", range.Works);
            w.WriteNumber("status", range.Status);
            w.WriteString("detail", range.Detail);
            w.WriteEndObject();
        }
        w.WriteStartArray("variants");
        foreach (var v in check.Variants)
        {
            w.WriteStartObject();
            w.WriteString("variant", v.Variant.Name());
            w.WriteString("pull", v.Pull);
            w.WriteBoolean("works", v.Works);
            w.WriteString("reason", v.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteRegistryCache(Utf8JsonWriter w, RegistryCacheReport? cache)
    {
        if (cache is null)
        {
            w.WriteNull("registryCache");
            return;
        }
        w.WriteStartObject("registryCache");
        w.WriteStartArray("lookedUp");
        foreach (var name in cache.LookedUp) w.WriteStringValue(name);
        w.WriteEndArray();
        w.WriteString("recordedTo", cache.RecordedTo);
        w.WriteNumber("hits", cache.Hits);
        w.WriteNumber("misses", cache.Misses);
        w.WriteNumber("rejected", cache.Rejected);
        w.WriteNumber("bytesSaved", cache.BytesSaved);
        w.WriteNumber("recorded", cache.Recorded);
        w.WriteEndObject();
    }

    /// <summary>The inspect listing for people.</summary>
    public static string Listing(IReadOnlyList<InspectedImage> images, string source)
    {
        var text = new StringBuilder();
        foreach (var image in images)
        {
            text.AppendLine($"{source}{(image.Tags.Count > 0 ? " (" + string.Join(", ", image.Tags) + ")" : "")}: {image.Root.MediaType} {image.Root.Digest}");
            foreach (var m in image.Manifests)
            {
                text.AppendLine($"  {m.Platform,-14} {m.Variant,-13} {m.Descriptor.Digest}  {m.Layers.Count} layers, {ByteSize.Format(m.Layers.Sum(l => l.Descriptor.Size))}");
                foreach (var r in m.Referrers)
                    text.AppendLine($"    referrer      {r.ArtifactType} {r.Digest}");
                foreach (var l in m.Layers)
                {
                    var entries = l.Entries is { } n ? $"{n} entries" : "";
                    var toc = l.TocDigest is { } t ? $"toc {t.Hex[..12]}" : "";
                    text.AppendLine($"    {l.Format,-13}{ByteSize.Format(l.Descriptor.Size),12}  {l.Descriptor.Digest.Hex[..12]}  {toc,-17}{entries}".TrimEnd());
                }
            }
        }
        return text.ToString().TrimEnd();
    }

    /// <summary><c>{"startup":{…} (with <c>--startup</c>, see <see cref="StartupResults.Write"/>),"images":[{root,tags,manifests:[{digest,platform,variant,config,layers:[{digest,size,mediaType,format,diffId,tocDigest,entries,annotations}]}]}]}</c>.</summary>
    public static string InspectJson(IReadOnlyList<InspectedImage> images, StartupCostReport? startup = null, LinkProfile? link = null) => JsonText.Object(w =>
    {
        if (startup is not null) StartupResults.Write(w, startup, link ?? LinkProfile.Default);
        w.WriteStartArray("images");
        foreach (var image in images)
        {
            w.WriteStartObject();
            w.WriteString("digest", image.Root.Digest.ToString());
            w.WriteString("mediaType", image.Root.MediaType);
            w.WriteStartArray("tags");
            foreach (var t in image.Tags) w.WriteStringValue(t);
            w.WriteEndArray();
            w.WriteStartArray("manifests");
            foreach (var m in image.Manifests)
            {
                w.WriteStartObject();
                w.WriteString("digest", m.Descriptor.Digest.ToString());
                w.WriteString("platform", m.Platform.ToString());
                w.WriteString("variant", m.Variant);
                w.WriteString("config", m.Config.Digest.ToString());
                w.WriteStartArray("referrers");
                foreach (var r in m.Referrers)
                {
                    w.WriteStartObject();
                    w.WriteString("artifactType", r.ArtifactType);
                    w.WriteString("digest", r.Digest.ToString());
                    w.WriteNumber("size", r.Size);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("layers");
                foreach (var l in m.Layers)
                {
                    w.WriteStartObject();
                    w.WriteString("digest", l.Descriptor.Digest.ToString());
                    w.WriteNumber("size", l.Descriptor.Size);
                    w.WriteString("mediaType", l.Descriptor.MediaType);
                    w.WriteString("format", l.Format);
                    w.WriteString("diffId", l.DiffId.ToString());
                    if (l.TocDigest is { } toc) w.WriteString("tocDigest", toc.ToString());
                    if (l.Entries is { } n) w.WriteNumber("entries", n);
                    w.WriteStartObject("annotations");
                    foreach (var (k, v) in (l.Descriptor.Annotations ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(k, v);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary><c>{"ok","layers":[{manifest,platform,digest,format,ok,failures}]}</c>.</summary>
    public static string VerifyJson(IReadOnlyList<LayerVerdict> verdicts) => JsonText.Object(w =>
    {
        w.WriteBoolean("ok", verdicts.All(v => v.Ok));
        w.WriteStartArray("layers");
        foreach (var v in verdicts)
        {
            w.WriteStartObject();
            w.WriteString("manifest", v.Manifest.ToString());
            w.WriteString("platform", v.Platform.ToString());
            w.WriteString("digest", v.Layer.Digest.ToString());
            w.WriteString("format", v.Format);
            w.WriteBoolean("ok", v.Ok);
            w.WriteStartArray("failures");
            foreach (var f in v.Failures) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });
}
