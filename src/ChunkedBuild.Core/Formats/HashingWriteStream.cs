using ChunkedBuild.Core.IO;
using System.Security.Cryptography;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Formats;

/// <summary>
/// A write-only pass-through that counts and sha256-hashes every byte written to the inner stream, which gives a blob's
/// descriptor digest and size without reading the output back.
/// </summary>
public sealed class HashingWriteStream : WriteOnlyStream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _length;

    /// <summary>Wraps <paramref name="inner"/> (left open on dispose).</summary>
    public HashingWriteStream(Stream inner) => _inner = inner;

    /// <summary>Bytes written so far.</summary>
    public long BytesWritten => _length;

    /// <summary>The sha256 of everything written so far.</summary>
    public Digest CurrentDigest() => Digest.FromSha256Bytes(_hash.GetCurrentHash());

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _inner.Write(buffer);
        _hash.AppendData(buffer);
        _length += buffer.Length;
    }


    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <inheritdoc />
    public override long Length => _length;
    /// <inheritdoc />
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
