using System.Globalization;
using System.Text;
using System.Text.Json;
using ChunkedBuild.Core.Conversion;

namespace ChunkedBuild.Tool.Output;

/// <summary>The lazy-pull cost report of <c>inspect --startup</c>: a table for people, a <c>startup</c> object for <c>--json</c>.</summary>
public static class StartupResults
{
    /// <summary>Per platform: the startup list's size, then one row per manifest: variant, bytes before start, separate ranges, image bytes, share.</summary>
    public static string Table(StartupCostReport report)
    {
        var text = new StringBuilder();
        text.AppendLine($"bytes fetched before the app starts (startup list: {report.Source}):");
        foreach (var platform in report.Platforms)
        {
            var list = platform.Plan.Paths.Count > 0 ? $"{platform.Plan.Paths.Count} files" : $"no files ({platform.Plan.Reason})";
            text.AppendLine($"  {platform.Platform}: {list}");
            text.AppendLine($"    {"variant",-14}{"before start",14}{"ranges",8}{"image",14}{"share",9}  manifest");
            foreach (var m in platform.Manifests)
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {m.Variant,-14}{Sizes.Format(m.StartupBytes),14}{m.Ranges,8}{Sizes.Format(m.ImageBytes),14}{100 * m.Fraction,8:F1}%  {m.Manifest.Digest.Hex[..12]}"));
            }
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>
    /// Writes <c>"startup":{source, platforms:[{platform, paths, reason, manifests:[{digest, variant, startupBytes, ranges, imageBytes, fraction,
    /// layers:[{digest, format, prefetchBytes, onDemandBytes, metadataBytes, wholeBytes, totalBytes, listedFiles, filesOnDemand, ranges}]}]}]}</c>.
    /// </summary>
    public static void Write(Utf8JsonWriter w, StartupCostReport report)
    {
        w.WriteStartObject("startup");
        w.WriteString("source", report.Source);
        w.WriteStartArray("platforms");
        foreach (var platform in report.Platforms)
        {
            w.WriteStartObject();
            w.WriteString("platform", platform.Platform.ToString());
            w.WriteStartArray("paths");
            foreach (var p in platform.Plan.Paths) w.WriteStringValue(p);
            w.WriteEndArray();
            if (platform.Plan.Reason is { } reason) w.WriteString("reason", reason);
            w.WriteStartArray("manifests");
            foreach (var m in platform.Manifests)
            {
                w.WriteStartObject();
                w.WriteString("digest", m.Manifest.Digest.ToString());
                w.WriteString("variant", m.Variant);
                w.WriteNumber("startupBytes", m.StartupBytes);
                w.WriteNumber("ranges", m.Ranges);
                w.WriteNumber("imageBytes", m.ImageBytes);
                w.WriteNumber("fraction", Math.Round(m.Fraction, 4));
                w.WriteStartArray("layers");
                foreach (var l in m.Layers)
                {
                    w.WriteStartObject();
                    w.WriteString("digest", l.Layer.Digest.ToString());
                    w.WriteString("format", l.Format);
                    w.WriteNumber("prefetchBytes", l.PrefetchBytes);
                    w.WriteNumber("onDemandBytes", l.OnDemandBytes);
                    w.WriteNumber("metadataBytes", l.MetadataBytes);
                    w.WriteNumber("wholeBytes", l.WholeBytes);
                    w.WriteNumber("totalBytes", l.TotalBytes);
                    w.WriteNumber("listedFiles", l.ListedFiles);
                    w.WriteNumber("filesOnDemand", l.FilesOnDemand);
                    w.WriteNumber("ranges", l.Ranges);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
