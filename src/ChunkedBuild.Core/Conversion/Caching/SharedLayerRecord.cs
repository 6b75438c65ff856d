using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Conversion.Caching;

/// <summary>
/// One conversion shared through a registry cache: the converted-layer cache key it answers (<see cref="LayerStore.Key"/>), the source it
/// claims to come from and the converted blob. Nothing in it is trusted: <see cref="RegistryLayerCache"/> verifies the blob before use.
/// </summary>
/// <param name="Key">The converted-layer cache key (hex).</param>
/// <param name="Format">The layer format's name.</param>
/// <param name="Source">The source layer's (compressed) digest.</param>
/// <param name="SourceDiffId">The source layer's DiffID.</param>
/// <param name="DiffId">The converted layer's DiffID.</param>
/// <param name="Blob">The converted blob: media type, digest, size and the format's layer annotations (nothing else).</param>
public sealed record SharedLayerRecord(string Key, string Format, Digest Source, Digest SourceDiffId, Digest DiffId, Descriptor Blob);
