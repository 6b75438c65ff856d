using System.Collections.Concurrent;

namespace ChunkedBuild.Core.Conversion;

/// <summary>Passes a conversion's events on and remembers its warnings for the result.</summary>
internal sealed class WarningCollector(IConversionObserver inner) : IConversionObserver
{
    private readonly ConcurrentQueue<string> _warnings = new();

    /// <summary>The warnings heard so far, as <c>CODE: message</c>, in the order they came.</summary>
    public IReadOnlyList<string> Warnings => [.. _warnings];

    public void LayerStarted(LayerWork work) => inner.LayerStarted(work);

    public void LayerFinished(LayerWork work, ConvertedLayer layer) => inner.LayerFinished(work, layer);

    public void Warning(string code, string message)
    {
        _warnings.Enqueue($"{code}: {message}");
        inner.Warning(code, message);
    }

    public void Info(string message) => inner.Info(message);
}
