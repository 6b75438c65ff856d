using System.Security.Cryptography;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.IO;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Registry.Http;

/// <summary>
/// A blob download that hashes what it reads and, at its end, checks the size and digest (CHB2004 when they differ). A body
/// that breaks off (connection reset, I/O error) is reopened at the current offset, within the retry policy's attempts.
/// </summary>
internal sealed class VerifyingBlobStream : ReadOnlyStream
{
    private readonly Descriptor _expected;
    private readonly string _operation;
    private readonly Func<long, CancellationToken, Task<Stream>> _openAt;
    private readonly RetryPolicy _retry;
    private readonly IProgress<BlobTransferProgress>? _progress;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private Stream? _body;
    private long _position;
    private bool _verified;

    private readonly TimeSpan _idleTimeout;

    public VerifyingBlobStream(Descriptor expected, string operation, Func<long, CancellationToken, Task<Stream>> openAt, RetryPolicy retry,
        IProgress<BlobTransferProgress>? progress, TimeSpan idleTimeout)
    {
        _idleTimeout = idleTimeout;
        _expected = expected;
        _operation = operation;
        _openAt = openAt;
        _retry = retry;
        _progress = progress;
    }

    /// <summary>Opens the body now, so a missing blob fails at open time rather than at the first read.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken) => _body = await _openAt(0, cancellationToken).ConfigureAwait(false);

    public override int Read(Span<byte> buffer)
    {
        var rented = new byte[buffer.Length];
        var n = ReadAsync(rented, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        rented.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0 || _verified) return 0;
        var n = await _retry.RunAsync(_operation, async (_, ct) =>
        {
            _body ??= await _openAt(_position, ct).ConfigureAwait(false);
            try
            {
                // A stalled body fails the read: the connection is dropped and the retry resumes from _position with a Range request.
                return await IdleReads.ReadAsync(_body, buffer, _idleTimeout, _operation, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                await _body.DisposeAsync().ConfigureAwait(false);
                _body = null;
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            Verify();
            return 0;
        }
        _hash.AppendData(buffer.Span[..n]);
        _position += n;
        if (_position > _expected.Size)
            throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"{_operation}: the blob is longer than its {_expected.Size} bytes", layer: _expected.Digest.ToString());
        _progress?.Report(new BlobTransferProgress(_expected.Digest, _position, _expected.Size, BlobTransferKind.Download));
        return n;
    }

    private void Verify()
    {
        _verified = true;
        if (_position != _expected.Size)
            throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"{_operation}: the blob has {_position} bytes, not {_expected.Size}", layer: _expected.Digest.ToString());
        var actual = Digest.FromSha256Bytes(_hash.GetHashAndReset());
        if (actual != _expected.Digest)
            throw new ChunkedBuildException(ErrorCodes.DigestMismatch, $"{_operation}: the blob hashes to {actual}", layer: _expected.Digest.ToString());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body?.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
