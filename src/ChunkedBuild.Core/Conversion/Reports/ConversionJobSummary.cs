using System.Globalization;
using System.Text;
using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Conversion.Settings;
using ChunkedBuild.Core.Formats;

namespace ChunkedBuild.Core.Conversion.Reports;

/// <summary>
/// A conversion as a Markdown job summary (GitHub's <c>$GITHUB_STEP_SUMMARY</c>): a heading naming the destination, one table row per
/// variant (platforms, layer bytes against the original, layers converted / reused / shared through a registry cache / kept, digests), what
/// the registry cache did, for a push the registry check (per variant whether its pulls will work there), the tags written, the start-up cost
/// of a lazy pull (with <c>--startup</c>), the sparse files densified and the warnings. Sections with nothing to say are left out.
/// </summary>
public static class ConversionJobSummary
{
    /// <summary>The summary of <paramref name="result"/> written to <paramref name="destination"/> (as the user named it).</summary>
    /// <param name="result">What the conversion wrote.</param>
    /// <param name="destination">The destination as given on the command line, e.g. <c>oci:out/app</c>.</param>
    /// <param name="startup">The start-up cost report of what was written, or null without <c>--startup</c>.</param>
    /// <param name="link">The link the network time to start is estimated at (<c>--link</c>); <see cref="LinkProfile.Default"/> when null.</param>
    public static string Render(ConversionResult result, string destination, StartupCostReport? startup, LinkProfile? link = null)
    {
        var text = new StringBuilder();
        text.Append("### ChunkedBuild: `").Append(destination).Append("`\n\n");
        AppendVariants(text, result);
        AppendRegistryCache(text, result.RegistryCache);
        AppendRegistryCheck(text, result.RegistryCheck);
        AppendTags(text, result);
        if (startup is not null) AppendStartup(text, startup, link ?? LinkProfile.Default);
        AppendDensified(text, result);
        AppendWarnings(text, result);
        return text.ToString();
    }

    private static void AppendVariants(StringBuilder text, ConversionResult result)
    {
        text.Append("| variant | platforms | layers | original layers | vs original | converted | reused | shared | kept | digest |\n");
        text.Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        foreach (var v in result.Variants)
        {
            var digests = ConversionStepOutputs.VariantDigest(result, v.Variant).Replace(",", "`<br>`", StringComparison.Ordinal);
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"| {v.Variant.Name()} | {v.Manifests.Count} | {ByteSize.Format(v.LayerBytes)} | {ByteSize.Format(v.OriginalLayerBytes)} | {ByteSize.Share(v.LayerBytes, v.OriginalLayerBytes)} | {v.Converted} | {v.Reused} | {v.Shared} | {v.Kept} | `{digests}` |\n"));
        }
        text.Append('\n');
    }

    /// <summary>The registry cache's hits, misses, rejected entries and bytes reused, where it looked and what it recorded.</summary>
    private static void AppendRegistryCache(StringBuilder text, RegistryCacheReport? cache)
    {
        if (cache is null) return;
        text.Append(string.Create(CultureInfo.InvariantCulture,
            $"**Registry cache**: {cache.Hits} hit(s), {cache.Misses} miss(es), {cache.Rejected} rejected; {ByteSize.Format(cache.BytesSaved)} of converted layers reused; "));
        text.Append($"looked in `{(cache.LookedUp.Count == 0 ? "nothing" : string.Join(", ", cache.LookedUp))}`");
        if (cache.RecordedTo is { } to) text.Append(string.Create(CultureInfo.InvariantCulture, $"; recorded {cache.Recorded} new in `{to}`"));
        text.Append("\n\n");
    }

    /// <summary>The registry check: per variant, its kind of pull, the verdict and why (naming what the registry answered).</summary>
    private static void AppendRegistryCheck(StringBuilder text, RegistryCheckReport? check)
    {
        if (check is null) return;
        text.Append($"**Registry check** of `{check.Ranges.Repository}` (Range GETs as lazy and partial pullers send them)\n\n");
        text.Append("| variant | pull | verdict | why |\n");
        text.Append("| --- | --- | --- | --- |\n");
        foreach (var v in check.Variants)
            text.Append($"| {v.Variant.Name()} | {v.Pull} | {(v.Works ? "will work" : "**will not work**")} | {Cell(v.Reason)} |\n");
        text.Append('\n');
    }

    private static void AppendTags(StringBuilder text, ConversionResult result)
    {
        if (result.Tags.Count == 0) return;
        text.Append("| tag | digest | variant |\n");
        text.Append("| --- | --- | --- |\n");
        foreach (var tag in result.Tags)
            text.Append($"| `{Cell(tag.Tag)}` | `{tag.Descriptor.Digest}` | {tag.Variant?.Name() ?? "all variants (index)"} |\n");
        text.Append('\n');
    }

    /// <summary>
    /// Per platform and variant: bytes before start, separate ranges, image bytes, share and the estimated network time to start at
    /// <paramref name="link"/>; a note per platform without a startup list, then per platform with an eStargz manifest the full pull against
    /// the lazy one.
    /// </summary>
    private static void AppendStartup(StringBuilder text, StartupCostReport startup, LinkProfile link)
    {
        text.Append($"**Start-up cost of a lazy pull** (bytes fetched before the app starts; startup list: {OneLine(startup.Source)}; estimated network time to start at {link.ToSpec()})\n\n");
        text.Append("| platform | variant | before start | ranges | image | share | est. start |\n");
        text.Append("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var platform in startup.Platforms)
        {
            foreach (var m in platform.Manifests)
            {
                text.Append(string.Create(CultureInfo.InvariantCulture,
                    $"| {platform.Platform} | {m.Variant} | {ByteSize.Format(m.StartupBytes)} | {m.Ranges} | {ByteSize.Format(m.ImageBytes)} | {ByteSize.Share(m.StartupBytes, m.ImageBytes)} | {StartupComparison.FormatSeconds(StartupTimeModel.ForVariant(m, link))} |\n"));
            }
        }
        text.Append('\n');
        var notes = startup.Platforms.Where(p => p.Plan.Paths.Count == 0).Select(p => $"`{p.Platform}`: no startup list ({OneLine(p.Plan.Reason ?? "")})").ToList();
        foreach (var platform in startup.Platforms.OrderBy(p => p.Platform.ToString(), StringComparer.Ordinal))
        {
            if (StartupComparison.Of(platform, link) is not { } comparison) continue;
            notes.Add($"`{platform.Platform}`: {comparison}; unpacking, FUSE reads and the app's own start come on top");
        }
        AppendList(text, notes);
    }

    /// <summary>The sparse files written as regular files: per variant, its distinct layers in digest order, each file with its size.</summary>
    private static void AppendDensified(StringBuilder text, ConversionResult result)
    {
        var rows = result.Variants
            .SelectMany(v => v.Manifests.SelectMany(m => m.Layers).DistinctBy(l => l.Descriptor.Digest)
                .OrderBy(l => l.Descriptor.Digest.ToString(), StringComparer.Ordinal)
                .SelectMany(l => l.DensifiedEntries.Select(d => $"| {v.Variant.Name()} | `{l.Descriptor.Digest}` | `{Cell(d.Name)}` | {ByteSize.Format(d.Size)} |")))
            .ToList();
        if (rows.Count == 0) return;
        text.Append("**Sparse files densified** (written as regular files, the holes as zeros; their layers have new DiffIDs)\n\n");
        text.Append("| variant | layer | file | size |\n");
        text.Append("| --- | --- | --- | ---: |\n");
        foreach (var row in rows) text.Append(row).Append('\n');
        text.Append('\n');
    }

    /// <summary>The warnings, one list item each, in ordinal order (as <c>--json</c> lists them).</summary>
    private static void AppendWarnings(StringBuilder text, ConversionResult result)
    {
        if (result.Warnings.Count == 0) return;
        text.Append("**Warnings**\n\n");
        AppendList(text, [.. result.Warnings.Order(StringComparer.Ordinal).Select(OneLine)]);
    }

    private static void AppendList(StringBuilder text, IReadOnlyList<string> items)
    {
        if (items.Count == 0) return;
        foreach (var item in items) text.Append("- ").Append(item).Append('\n');
        text.Append('\n');
    }

    /// <summary>Text from the image (a warning, a reason) on one line, so it stays one list item or table cell.</summary>
    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>Text from the image inside a table cell: on one line, a <c>|</c> escaped so it does not end the cell.</summary>
    private static string Cell(string text) => OneLine(text).Replace("|", "\\|", StringComparison.Ordinal);
}
