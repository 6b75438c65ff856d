using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Transports;

namespace ChunkedBuild.Core.Inspection;

/// <summary>The verdict on one layer of one manifest.</summary>
/// <param name="Manifest">The manifest digest.</param>
/// <param name="Platform">Its platform.</param>
/// <param name="Layer">The layer descriptor.</param>
/// <param name="Format">What the layer is (<see cref="LayerFormats.KindOf"/>: estargz, zstd:chunked, gzip, zstd, tar).</param>
/// <param name="Failures">What is wrong; empty when the layer passed.</param>
public sealed record LayerVerdict(Digest Manifest, Platform Platform, Descriptor Layer, string Format, IReadOnlyList<string> Failures)
{
    /// <summary>Whether every check passed.</summary>
    public bool Ok => Failures.Count == 0;
}

/// <summary>
/// Checks an image the way a careful puller would: every layer blob against its digest and size, its decompressed bytes against
/// the config's DiffID, and every eStargz / zstd:chunked layer through the Core validator with the manifest's annotations.
/// </summary>
public static class ImageVerifier
{
    /// <summary>Verifies every layer of every manifest the source selects (a layer shared by manifests is checked once per manifest's DiffID).</summary>
    public static async Task<IReadOnlyList<LayerVerdict>> VerifyAsync(IImageSource source, string tempDirectory, Action<LayerVerdict>? onVerdict = null, CancellationToken cancellationToken = default)
    {
        var verdicts = new List<LayerVerdict>();
        var done = new Dictionary<(Digest, Digest), IReadOnlyList<string>>();
        using var scratch = ScratchFolder.Create(tempDirectory);
        foreach (var image in await source.ResolveAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var root in image.Roots)
            foreach (var platform in await ImageWalker.CollectAsync(source, root, new SilentConversionObserver(), cancellationToken).ConfigureAwait(false))
            {
                var layers = platform.Manifest.Value.Layers;
                for (var i = 0; i < layers.Count; i++)
                {
                    var layer = layers[i];
                    var diffId = platform.Config.DiffIds[i];
                    var kind = LayerFormats.KindOf(layer);
                    if (!done.TryGetValue((layer.Digest, diffId), out var failures))
                        done[(layer.Digest, diffId)] = failures = await CheckAsync(source, layer, kind, diffId, scratch.Path, cancellationToken).ConfigureAwait(false);
                    var verdict = new LayerVerdict(platform.Descriptor.Digest, platform.Platform, layer, kind, failures);
                    onVerdict?.Invoke(verdict);
                    verdicts.Add(verdict);
                }
            }
        }
        return verdicts;
    }

    private static async Task<IReadOnlyList<string>> CheckAsync(IImageSource source, Descriptor layer, string kind, Digest diffId, string scratch, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        using var copy = await LocalBlobCopy.CreateAsync(source, layer, scratch, cancellationToken).ConfigureAwait(false);
        if (copy.Digest != layer.Digest || copy.Size != layer.Size)
        {
            failures.Add($"blob: {copy.Size} bytes hashing to {copy.Digest}, the descriptor says {layer.Size} bytes, {layer.Digest}");
            return failures;
        }
        try
        {
            await using var blob = copy.Open();
            await using var tar = LayerInput.OpenUncompressed(blob, out _);
            var actual = Digest.Sha256Of(tar);
            if (actual != diffId) failures.Add($"DiffID: the layer decompresses to {actual}, the config's rootfs.diff_ids says {diffId}");
        }
        catch (ChunkedBuildException e)
        {
            failures.Add($"decompression: {e.Message}");
        }
        if (LayerFormats.Detect(layer) is { } format)
        {
            await using var blob = copy.Open();
            var result = format.Validator.Validate(blob, new LayerValidationRequest { Annotations = layer.Annotations, DiffId = diffId });
            failures.AddRange(result.Failures.Select(f => $"{kind}: {f}"));
        }
        return failures;
    }
}
