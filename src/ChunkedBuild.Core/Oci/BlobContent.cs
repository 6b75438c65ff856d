
namespace ChunkedBuild.Core.Oci;

/// <summary>
/// The bytes of a blob to write to a sink, opened lazily (a sink that already has the blob, or can mount it, never opens it).
/// </summary>
/// <param name="Open">Opens a fresh stream of the blob's bytes.</param>
/// <param name="Origin">The source the blob came from unchanged, if any: a registry sink may mount it from there instead of uploading.</param>
public sealed record BlobContent(Func<CancellationToken, Task<Stream>> Open, IImageSource? Origin = null)
{
    /// <summary>
    /// A local file whose bytes were already hashed to the descriptor's digest by whoever wrote or checked it (e.g. a converted layer in the
    /// cache): file sinks copy it with the kernel's file copy instead of hashing it again, as long as <see cref="VerifiedFingerprint"/> still
    /// matches the file after the copy.
    /// </summary>
    public string? VerifiedFile { get; init; }

    /// <summary>
    /// The <see cref="IO.FileFingerprint"/> of <see cref="VerifiedFile"/> when its content was checked; a sink whose copy ends with a different
    /// fingerprint (or with none) hashes the copy instead of trusting it.
    /// </summary>
    public string? VerifiedFingerprint { get; init; }

    /// <summary>
    /// Whether a registry sink must read the blob back after writing it and hash what the registry serves: set when a copy the same
    /// registry already stored under this digest was found damaged (a registry keeps the first bytes stored under a digest, so a push
    /// cannot replace them, and a skipped or deduplicated upload would leave the damaged copy in the image).
    /// </summary>
    public bool CheckAfterWrite { get; init; }

    /// <summary>Content from a file whose bytes were checked against the digest (see <see cref="VerifiedFile"/>).</summary>
    public static BlobContent FromVerifiedFile(string path, string? fingerprint) => FromFile(path) with { VerifiedFile = path, VerifiedFingerprint = fingerprint };

    /// <summary>Content read from a local file.</summary>
    public static BlobContent FromFile(string path) =>
        new(_ => Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16)));

    /// <summary>Content held in memory.</summary>
    public static BlobContent FromBytes(ReadOnlyMemory<byte> bytes) =>
        new(_ => Task.FromResult<Stream>(new MemoryStream(bytes.ToArray(), writable: false)));
}
