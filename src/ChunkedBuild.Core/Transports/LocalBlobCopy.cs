using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Transports;

/// <summary>A blob copied from a source into a temporary file (validators need random access), with the sha256 of what was read.</summary>
internal sealed class LocalBlobCopy : IDisposable
{
    private LocalBlobCopy(string path, Digest digest, long size)
    {
        Path = path;
        Digest = digest;
        Size = size;
    }

    public string Path { get; }
    public Digest Digest { get; }
    public long Size { get; }

    /// <summary>Copies the blob into <paramref name="folder"/> (a <see cref="ScratchFolder"/> of the caller's, so a killed run's copy is cleaned up).</summary>
    public static async Task<LocalBlobCopy> CreateAsync(IImageSource source, Descriptor descriptor, string folder, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(folder, $"blob-{Guid.NewGuid():N}");
        try
        {
            await using var input = new HashingReadStream(await source.OpenBlobAsync(descriptor, cancellationToken).ConfigureAwait(false));
            await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            return new LocalBlobCopy(path, Digest.FromSha256Bytes(input.CurrentHash()), input.BytesRead);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public FileStream Open() => new(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);

    public void Dispose() => File.Delete(Path);
}
