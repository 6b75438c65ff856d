using ChunkedBuild.Core.Formats;

namespace ChunkedBuild.Core.Conversion.Reports;

/// <summary>
/// A conversion as the step outputs the GitHub action publishes (<c>action/action.yml</c> <c>outputs:</c>), rendered by
/// <see cref="GitHubOutputFile"/>:
/// <list type="bullet">
/// <item><c>digest</c>: the first tag's digest (index mode, the index; tags mode, the first variant's tag); empty when no tag was written.</item>
/// <item><c>estargz-digest</c>, <c>zstd-chunked-digest</c>, <c>original-digest</c>: see <see cref="VariantDigest"/>.</item>
/// <item><c>result</c>: the whole JSON object <c>convert --json</c> prints, as the edge rendered it.</item>
/// </list>
/// </summary>
public static class ConversionStepOutputs
{
    /// <summary>The variants with an output of their own, in the order <c>action.yml</c> declares them.</summary>
    public static IReadOnlyList<LayerVariant> OutputVariants { get; } = [LayerVariant.EStargz, LayerVariant.ZstdChunked, LayerVariant.Original];

    /// <summary>The output names, in the order they are written.</summary>
    public static IReadOnlyList<string> Names { get; } = ["digest", .. OutputVariants.Select(DigestOutputName), "result"];

    /// <summary>The output naming a variant's digest: <c>&lt;variant&gt;-digest</c>.</summary>
    public static string DigestOutputName(LayerVariant variant) => variant.Name() + "-digest";

    /// <summary>The outputs of <paramref name="result"/>, in <see cref="Names"/> order; <paramref name="resultJson"/> is the <c>result</c> output.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Of(ConversionResult result, string resultJson) =>
    [
        KeyValuePair.Create("digest", result.Tags.Count > 0 ? result.Tags[0].Descriptor.Digest.ToString() : ""),
        .. OutputVariants.Select(v => KeyValuePair.Create(DigestOutputName(v), VariantDigest(result, v))),
        KeyValuePair.Create("result", resultJson),
    ];

    /// <summary>
    /// A variant's digest: with one tag per variant (tags mode), the digest the variant's first tag points at (a manifest, or an index for
    /// a multi-platform image); otherwise (index mode, one index holding every variant) its manifests' digests, comma-separated in
    /// platform order. Empty when the variant was not produced.
    /// </summary>
    public static string VariantDigest(ConversionResult result, LayerVariant variant) =>
        result.Tags.FirstOrDefault(t => t.Variant == variant) is { } tagged
            ? tagged.Descriptor.Digest.ToString()
            : string.Join(',', result.Variants.Where(v => v.Variant == variant).SelectMany(v => v.Manifests).Select(m => m.Descriptor.Digest.ToString()));

    /// <summary>The text to append to <c>$GITHUB_OUTPUT</c> for <paramref name="result"/>.</summary>
    public static string Render(ConversionResult result, string resultJson) => GitHubOutputFile.Render(Of(result, resultJson));
}
