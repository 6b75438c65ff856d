using ChunkedBuild.Core.Compression;
using System.Security.Cryptography;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>A read-only pass-through that counts and sha256-hashes every byte read (a DiffID while parsing the stream).</summary>
internal sealed class HashingReadStream(Stream inner) : ReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The sha256 of everything read so far.</summary>
    public Digest CurrentDigest() => Digest.FromSha256Bytes(_hash.GetCurrentHash());

    /// <summary>Reads and discards the rest of the inner stream (so the digest covers all of it).</summary>
    public void Drain()
    {
        var buffer = new byte[1 << 16];
        while (Read(buffer) > 0) { }
    }

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        _hash.AppendData(buffer[..n]);
        BytesRead += n;
        return n;
    }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
