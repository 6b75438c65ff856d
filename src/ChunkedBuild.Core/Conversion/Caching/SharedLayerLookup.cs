using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion.Caching;

/// <summary>What <see cref="RegistryLayerCache"/> needs to find, and verify, a shared conversion of one source layer in one format.</summary>
/// <param name="Key">The converted-layer cache key (<see cref="LayerStore.Key"/>).</param>
/// <param name="Layer">The source layer's descriptor.</param>
/// <param name="DiffId">The source layer's DiffID from the image config.</param>
/// <param name="Format">The format to produce.</param>
/// <param name="Options">The options the conversion would run with (prioritized files, sparse handling).</param>
/// <param name="OpenSource">Opens the source layer's blob (compressed, unverified: the caller hashes).</param>
/// <param name="VerifiedTarCopy">
/// A local blob of another format already verified to decompress to this layer's tar (its DiffID is the config's), or null: the origin
/// check may read the source's entries from it instead of fetching and inflating the source layer (it still checks the DiffID).
/// </param>
internal sealed record SharedLayerLookup(string Key, Descriptor Layer, Digest DiffId, ILayerFormat Format, FormatOptions Options,
    Func<CancellationToken, Task<Stream>> OpenSource, string? VerifiedTarCopy = null);
