namespace ChunkedBuild.Core.Oci;

/// <summary>
/// The structural limits every image source is read under, so that a hostile image costs bounded memory and time (CHB2009 past them).
/// Real images stay far below: a multi-platform index lists tens of manifests, nesting is one or two levels (the .NET SDK's multi-RID
/// archives), and registries refuse manifests over 4 MiB.
/// </summary>
public static class ImageLimits
{
    /// <summary>
    /// The largest manifest, index, config or docker <c>manifest.json</c> read into memory: 16 MiB, four times what registries accept, so
    /// that the manifest of an image of tens of thousands of layers (about 450 bytes per converted layer) can still be read back.
    /// </summary>
    public const int MaxDocumentBytes = 16 << 20;

    /// <summary>How deep indexes may nest below the root (a root index whose entries are indexes is depth 1).</summary>
    public const int MaxIndexDepth = 8;

    /// <summary>How many distinct manifests and indexes one image may consist of (each is read once, however often it is referenced).</summary>
    public const int MaxDocuments = 1000;
}
