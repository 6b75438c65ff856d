using ChunkedBuild.Core.IO;

namespace ChunkedBuild.Core.Oci;

/// <summary>
/// Where images come from (an OCI layout, an archive, a registry). Sources know I/O, never layer formats; nothing is read
/// until asked.
/// </summary>
public interface IImageSource : IAsyncDisposable
{
    /// <summary>A human-readable name for messages, e.g. <c>oci-archive:/tmp/app.tar</c>. Never holds credentials.</summary>
    string DisplayName { get; }

    /// <summary>The images selected by the source reference (one, unless the reference named none and the source holds several tags of one image).</summary>
    Task<IReadOnlyList<SourceImage>> ResolveAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads a small blob (manifest, index, config) whole and verifies it against the descriptor's digest and size.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB2003 when the blob is missing, CHB2004 when its bytes do not match.</exception>
    Task<byte[]> ReadBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a blob as a stream of its stored bytes. The stream is not verified: the caller hashes what it reads and compares it with
    /// <see cref="Descriptor.Digest"/>. Every call returns a fresh stream.
    /// </summary>
    Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default);

    /// <summary>
    /// The artifacts whose <c>subject</c> is <paramref name="subject"/> (OCI referrers), filtered by <paramref name="artifactType"/> when given.
    /// Sources that cannot list referrers return none.
    /// </summary>
    Task<IReadOnlyList<Descriptor>> ReferrersAsync(Digest subject, string? artifactType, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Descriptor>>([]);

    /// <summary>
    /// Reads <paramref name="length"/> bytes of a blob from <paramref name="offset"/> (not verified: a part cannot be hashed against the
    /// digest). Lets a reader fetch a lazy layer's footer and TOC without the whole blob. The default reads up to the range and skips.
    /// </summary>
    async Task<byte[]> ReadBlobRangeAsync(Descriptor descriptor, long offset, int length, CancellationToken cancellationToken = default)
    {
        await using var stream = await OpenBlobAsync(descriptor, cancellationToken).ConfigureAwait(false);
        if (stream.CanSeek) stream.Position = offset;
        else await stream.SkipAsync(offset, cancellationToken).ConfigureAwait(false);
        return await stream.ReadUpToAsync(length, cancellationToken).ConfigureAwait(false);
    }
}
