using System.Security.Cryptography;
using System.Text;
using ChunkedBuild.Core.Conversion.Caching;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Prioritization.Dotnet;
using ChunkedBuild.Core.Prioritization.FileView;
using ChunkedBuild.Core.Prioritization.Manifests;

namespace ChunkedBuild.Core.Conversion.Planning;

/// <summary>
/// Decides, per platform image, which files go first: inferred from the .NET app (<see cref="PrioritizationMode.Auto"/>), taken from a
/// prioritization manifest or an access record. Reads every layer's tar listing once (with the small files inference opens) and
/// merges them into the image's filesystem; plans are cached by manifest digest, settings and tool version, so a warm run reads no layer.
/// </summary>
public sealed class PrioritizationPlanner
{
    private readonly ConversionRequest _request;
    private readonly LayerStore _store;
    private readonly IConversionObserver _observer;
    private readonly PrioritizationManifest? _manifest;
    private readonly AccessRecord? _record;
    private readonly string _settingsKey;

    /// <summary>Creates a planner; loads the manifest or record the request names (coded errors when they are malformed).</summary>
    public PrioritizationPlanner(ConversionRequest request, LayerStore store, IConversionObserver observer)
    {
        _request = request;
        _store = store;
        _observer = observer;
        string? fileText = null;
        switch (request.Prioritization)
        {
            case PrioritizationMode.Manifest:
                fileText = ReadSettingsFile(request.PrioritizationFile, "prioritization manifest");
                _manifest = PrioritizationManifest.Parse(fileText, request.PrioritizationFile!);
                break;
            case PrioritizationMode.Record:
                fileText = ReadSettingsFile(request.PrioritizationFile, "access record");
                _record = AccessRecord.Parse(fileText, request.PrioritizationFile!);
                break;
        }
        _settingsKey = $"{request.Prioritization}:{(fileText is null ? "" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fileText))))}";
    }

    /// <summary>The plan for one platform image.</summary>
    public Task<PrioritizationPlan> PlanAsync(IImageSource source, PlatformImage image, CancellationToken cancellationToken) =>
        PlanAsync(source, image, null, cancellationToken);

    /// <summary>The plan for one platform image, taking layer listings from running zstd:chunked conversions where they offer them.</summary>
    internal async Task<PrioritizationPlan> PlanAsync(IImageSource source, PlatformImage image, ListingExchange? listings, CancellationToken cancellationToken)
    {
        var layerCount = image.Manifest.Value.Layers.Count;
        var name = _request.Prioritization.ToString().ToLowerInvariant();
        if (_request.Prioritization == PrioritizationMode.None) return PrioritizationPlan.Empty(layerCount, "prioritization is off", name);
        var key = LayerStore.Key(image.Manifest.Digest, "plan", _settingsKey, _request.ToolVersion);
        if (_store.TryGetPlan(key) is { } cached) return Report(image, cached);

        // The listings' spools live in a scratch folder of this run: removed when the plan is made, or by the next run after a kill.
        using var scratch = IO.ScratchFolder.Create(_request.TempDirectory);
        var spool = scratch.Path;
        var layers = new List<LayerListing>();
        foreach (var (layer, i) in image.Manifest.Value.Layers.Select((l, i) => (l, i)))
        {
            var offered = listings is null ? null : await listings.WaitAsync(layer.Digest, cancellationToken).ConfigureAwait(false);
            layers.Add(offered ?? await LayerListing.ReadAsync(source, layer, Path.Combine(spool, i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                IO.SpoolLimits.For(layer.Size, _request.SpoolLimit), cancellationToken).ConfigureAwait(false));
        }
        var view = LayeredImageFileView.FromLayers(layers.Select(l => l.Entries), (file, max) => layers[file.LayerIndex].Read(file.LayerEntryName, max));
        var (paths, reason, malformed) = Choose(view, image);
        var plan = paths.Count == 0
            ? PrioritizationPlan.Empty(layerCount, reason ?? "no file of the list is in the image", name) with { ReasonCode = malformed ? ErrorCodes.MalformedDocument : null }
            : new PrioritizationPlan { Paths = paths, Layers = LayerPrioritization.SplitByLayer(paths, view), Source = name };
        _store.PutPlan(key, plan);
        return Report(image, plan);
    }

    private (IReadOnlyList<string> Paths, string? Reason, bool Malformed) Choose(IImageFileView view, PlatformImage image)
    {
        if (_manifest is not null)
            return (_manifest.ForPlatform(image.Platform).Order(view.Files.Where(f => f.Kind == ImageFileKind.File).Select(f => f.Path)), null, false);
        if (_record is not null)
        {
            var present = _record.Paths.Select(ImagePath.Normalize).Where(p => view.Find(p) is not null).Distinct(StringComparer.Ordinal).ToList();
            return (present, present.Count == 0 ? "no recorded path is in the image" : null, false);
        }
        var inferred = DotnetStartupInference.Infer(view, ImageRunSettings.FromConfig(image.Config));
        return (inferred.Paths, inferred.Reason, inferred.Malformed);
    }

    /// <summary>Logs the plan: an empty one because of a malformed file of the image is a warning (the image is still converted), else info.</summary>
    private PrioritizationPlan Report(PlatformImage image, PrioritizationPlan plan)
    {
        if (plan.Paths.Count == 0 && plan.ReasonCode is { } code) _observer.Warning(code, $"{image.Platform}: no prefetch: {plan.Reason}");
        else if (plan.Paths.Count == 0) _observer.Info($"{image.Platform}: no prefetch: {plan.Reason}");
        else _observer.Info($"{image.Platform}: {plan.Paths.Count} files prioritized ({plan.Source})");
        return plan;
    }

    private static string ReadSettingsFile(string? path, string what)
    {
        if (path is null) throw new ChunkedBuildException(ErrorCodes.InvalidOption, $"no {what} file given");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ChunkedBuildException(ErrorCodes.IoError, $"cannot read the {what} '{path}': {e.Message}", innerException: e);
        }
    }
}
