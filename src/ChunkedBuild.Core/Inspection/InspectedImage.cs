using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Inspection;

/// <summary>One layer as <c>inspect</c> shows it.</summary>
/// <param name="Descriptor">The layer descriptor.</param>
/// <param name="Format">estargz, zstd:chunked, gzip, zstd or tar.</param>
/// <param name="DiffId">The config's DiffID for it.</param>
/// <param name="TocDigest">The TOC digest of a lazy format.</param>
/// <param name="Entries">TOC entries of a lazy format (read from the TOC only), when counted.</param>
public sealed record InspectedLayer(Descriptor Descriptor, string Format, Digest DiffId, Digest? TocDigest, int? Entries);

/// <summary>One platform manifest as <c>inspect</c> shows it.</summary>
/// <param name="Descriptor">The manifest descriptor (with its platform and annotations from the index).</param>
/// <param name="Platform">The platform.</param>
/// <param name="Variant">estargz, zstd-chunked, original (no lazy layer) or mixed.</param>
/// <param name="Config">The config descriptor.</param>
/// <param name="Layers">The layers, base first.</param>
/// <param name="Referrers">ChunkedBuild prioritization records attached to the manifest (OCI referrers).</param>
public sealed record InspectedManifest(Descriptor Descriptor, Platform Platform, string Variant, Descriptor Config, IReadOnlyList<InspectedLayer> Layers, IReadOnlyList<Descriptor> Referrers);

/// <summary>An image as <c>inspect</c> shows it: root, tags and every manifest under it.</summary>
/// <param name="Root">The root manifest or index.</param>
/// <param name="Tags">The tags it is known by in the source.</param>
/// <param name="Manifests">The manifests under it, in index order.</param>
public sealed record InspectedImage(Descriptor Root, IReadOnlyList<string> Tags, IReadOnlyList<InspectedManifest> Manifests);
