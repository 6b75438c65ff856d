using System.Security.Cryptography;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Oci.Transport;

namespace ChunkedBuild.Core.Conversion;

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

    public static async Task<LocalBlobCopy> CreateAsync(IImageSource source, Descriptor descriptor, string? tempDirectory, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(tempDirectory ?? System.IO.Path.GetTempPath(), $"chunkedbuild-{Guid.NewGuid():N}.blob");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var input = await source.OpenBlobAsync(descriptor, cancellationToken).ConfigureAwait(false))
            await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    size += n;
                }
            }
            return new LocalBlobCopy(path, Digest.FromSha256Bytes(hash.GetHashAndReset()), size);
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
