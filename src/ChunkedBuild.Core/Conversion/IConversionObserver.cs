namespace ChunkedBuild.Core.Conversion;

/// <summary>Hears about a conversion as it happens (progress displays, logs). Every member has a no-op default.</summary>
public interface IConversionObserver
{
    /// <summary>A layer conversion started (not called for layers taken from the cache or passed through).</summary>
    void LayerStarted(LayerWork work) { }

    /// <summary>A layer is done, whatever happened to it.</summary>
    void LayerFinished(LayerWork work, ConvertedLayer layer) { }

    /// <summary>Something the user should know (e.g. a layer kept in its original compression, with the entry and the rule).</summary>
    void Warning(string code, string message) { }

    /// <summary>Progress information (e.g. skipped attestation manifests).</summary>
    void Info(string message) { }
}

/// <summary>An observer that ignores everything.</summary>
public sealed class SilentConversionObserver : IConversionObserver;
