using System.Globalization;
using System.Text;
using System.Text.Json;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion.Settings;

namespace ChunkedBuild.Tool.Output;

/// <summary>The lazy-pull cost report of <c>inspect --startup</c>: a table for people, a <c>startup</c> object for <c>--json</c>.</summary>
public static class StartupResults
{
    /// <summary>
    /// Per platform: the startup list's size, then one row per manifest: variant, bytes before start, separate ranges, image bytes, share and
    /// the estimated network time before the app can start at <paramref name="link"/> (<see cref="StartupTimeModel.ForVariant"/>), then a line
    /// putting the full pull next to the lazy one.
    /// </summary>
    public static string Table(StartupCostReport report, LinkProfile link)
    {
        var text = new StringBuilder();
        text.AppendLine($"bytes fetched before the app starts (startup list: {report.Source}) and the network time to start at {link}:");
        foreach (var platform in report.Platforms)
        {
            var list = platform.Plan.Paths.Count > 0 ? $"{platform.Plan.Paths.Count} files" : $"no files ({platform.Plan.Reason})";
            text.AppendLine($"  {platform.Platform}: {list}");
            text.AppendLine($"    {"variant",-14}{"before start",14}{"ranges",8}{"image",14}{"share",9}{"est. start",12}  manifest");
            foreach (var m in platform.Manifests)
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {m.Variant,-14}{ByteSize.Format(m.StartupBytes),14}{m.Ranges,8}{ByteSize.Format(m.ImageBytes),14}{100 * m.Fraction,8:F1}%{StartupComparison.FormatSeconds(StartupTimeModel.ForVariant(m, link)),12}  {m.Manifest.Digest.Hex[..12]}"));
            }
            if (Comparison(platform, link) is { } line) text.AppendLine("    " + line);
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>The platform's full pull against its eStargz manifest pulled lazily (<see cref="StartupComparison"/>); null without an eStargz manifest.</summary>
    public static string? Comparison(PlatformStartupCost platform, LinkProfile link) =>
        StartupComparison.Of(platform, link) is { } comparison
            ? $"estimated network time to start: {comparison}; unpacking, FUSE reads and the app's own start come on top"
            : null;

    /// <summary>
    /// Writes <c>"startup":{source, link, platforms:[{platform, paths, reason, manifests:[{digest, variant, startupBytes, ranges, imageBytes, fraction,
    /// estimatedSeconds, fullPullSeconds, layers:[{digest, format, prefetchBytes, onDemandBytes, metadataBytes, wholeBytes, totalBytes, listedFiles,
    /// filesOnDemand, ranges, onDemandRanges}]}]}]}</c>: <c>estimatedSeconds</c> is the network time before the app can start at <c>link</c> the
    /// way the variant is pulled (eStargz lazily, else whole), <c>fullPullSeconds</c> that of pulling the manifest whole.
    /// </summary>
    public static void Write(Utf8JsonWriter w, StartupCostReport report, LinkProfile link)
    {
        w.WriteStartObject("startup");
        w.WriteString("source", report.Source);
        w.WriteString("link", link.ToSpec());
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
                w.WriteNumber("estimatedSeconds", Math.Round(StartupTimeModel.ForVariant(m, link).TotalSeconds, 3));
                w.WriteNumber("fullPullSeconds", Math.Round(StartupTimeModel.FullPull(m, link).TotalSeconds, 3));
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
                    w.WriteNumber("onDemandRanges", l.OnDemandRanges);
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
