using System.Security.Cryptography;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats.EStargz;

/// <summary>A read-only pass-through that counts and sha256-hashes every byte read (a DiffID while parsing the stream).</summary>
internal sealed class HashingReadStream(Stream inner) : Stream
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

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

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
