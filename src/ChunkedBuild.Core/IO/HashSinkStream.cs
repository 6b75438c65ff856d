using System.Security.Cryptography;

namespace ChunkedBuild.Core.IO;

/// <summary>A write-only stream that only feeds an <see cref="IncrementalHash"/> (hashing a stream nobody stores).</summary>
public sealed class HashSinkStream(IncrementalHash hash) : WriteOnlyStream
{
    /// <summary>Bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash.AppendData(buffer);
        BytesWritten += buffer.Length;
    }

    /// <inheritdoc />
    public override long Length => BytesWritten;
    /// <inheritdoc />
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }
}
