using System.Collections.Concurrent;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion.Planning;

/// <summary>
/// Hands layer listings from the zstd:chunked conversions (which read every entry anyway) to the prioritization planner, so a cold
/// conversion of both variants decompresses each layer once per variant and never a third time just to list it. For every layer a
/// zstd:chunked conversion is scheduled for, the planner waits for that conversion's listing; when the conversion produces none (cache hit,
/// pass-through, refusal, failure) it gets null and lists the layer itself.
/// </summary>
internal sealed class ListingExchange
{
    private readonly ConcurrentDictionary<Digest, TaskCompletionSource<LayerListing?>> _promises = new();

    /// <summary>Announces that a conversion will offer <paramref name="layer"/>'s listing.</summary>
    public void Expect(Digest layer) => _promises.TryAdd(layer, new TaskCompletionSource<LayerListing?>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Offers a listing (or null: the conversion did not read the layer).</summary>
    public void Offer(Digest layer, LayerListing? listing)
    {
        if (_promises.TryGetValue(layer, out var promise)) promise.TrySetResult(listing);
    }

    /// <summary>The offered listing, or null when none is expected or the conversion produced none.</summary>
    public Task<LayerListing?> WaitAsync(Digest layer, CancellationToken cancellationToken) =>
        _promises.TryGetValue(layer, out var promise) ? promise.Task.WaitAsync(cancellationToken) : Task.FromResult<LayerListing?>(null);
}
