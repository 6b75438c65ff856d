namespace ChunkedBuild.Core.Prioritization.FileView;

/// <summary>Maps an image-level ordered path list onto the layers that hold the final version of each path.</summary>
public static class LayerPrioritization
{
    /// <summary>
    /// Splits <paramref name="orderedPaths"/> (image paths, any spelling; order kept) into one list per layer of
    /// <paramref name="view"/>: a path goes to the layer its merged version comes from, spelled as that layer's tar
    /// names it — the form <c>FormatOptions.PrioritizedFiles</c> of a layer conversion takes. Paths that are not in the
    /// merged image (absent, whited out) go nowhere; a path listed twice keeps its first place.
    /// </summary>
    /// <returns>A list per layer, base layer first; a layer with nothing prioritized gets an empty list.</returns>
    public static IReadOnlyList<IReadOnlyList<string>> SplitByLayer(IEnumerable<string> orderedPaths, IImageFileView view)
    {
        var perLayer = new List<string>[view.LayerCount];
        for (var i = 0; i < perLayer.Length; i++) perLayer[i] = [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var given in orderedPaths)
        {
            var path = ImagePath.Normalize(given);
            if (!seen.Add(path) || view.Find(path) is not { } file) continue;
            if (file.LayerIndex < 0 || file.LayerIndex >= perLayer.Length) continue;
            perLayer[file.LayerIndex].Add(file.LayerEntryName);
        }
        return perLayer;
    }
}
