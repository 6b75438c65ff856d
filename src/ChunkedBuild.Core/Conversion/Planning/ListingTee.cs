using System.Buffers;
using System.IO.Pipelines;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Conversion.Planning;

/// <summary>
/// Lists a layer from the tar a conversion reads anyway: a read-only pass-through over the uncompressed tar that hands every byte the
/// writer reads to <see cref="LayerListing.FromTar"/>, running on a thread of its own. The planner gets the layer's listing without another
/// decompression, and the writer reads exactly the bytes it would read without the tee (the formats know nothing of it). A listing that
/// fails, or a tar the writer stops reading early, gives no listing: the planner then lists the layer itself.
/// </summary>
internal sealed class ListingTee : Stream
{
    /// <summary>How far the listing may lag behind the writer before the writer waits for it.</summary>
    private const long PauseAt = 4L << 20;

    private readonly Stream _tar;
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: PauseAt, resumeWriterThreshold: PauseAt / 2,
        readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
    private readonly Task<LayerListing?> _listing;
    private bool _forwarding = true;

    /// <summary>Tees <paramref name="tar"/> (left open) into a listing spooled under <paramref name="spoolFolder"/> (at most <paramref name="spoolLimit"/> bytes).</summary>
    public ListingTee(Stream tar, string spoolFolder, long spoolLimit, CancellationToken cancellationToken)
    {
        _tar = tar;
        _listing = Task.Factory.StartNew(() => List(spoolFolder, spoolLimit, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The listing, once the writer has read the tar: null when the listing failed or the tar was not read to its end-of-archive.</summary>
    public Task<LayerListing?> CompleteAsync()
    {
        StopForwarding();
        return _listing;
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var n = _tar.Read(buffer);
        if (!buffer.IsEmpty) Forward(buffer[..n]);
        return n;
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _tar.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (!buffer.IsEmpty) Forward(buffer.Span[..n]);
        return n;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Hands bytes to the listing (waiting while it lags too far behind); an empty read is the end of the tar.</summary>
    private void Forward(ReadOnlySpan<byte> data)
    {
        if (!_forwarding) return;
        if (data.IsEmpty)
        {
            StopForwarding();
            return;
        }
        _pipe.Writer.Write(data);
        // The listing stops reading at the end-of-archive marker (or on a failure): nothing more to hand it.
        if (_pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult().IsCompleted) StopForwarding();
    }

    private void StopForwarding()
    {
        if (!_forwarding) return;
        _forwarding = false;
        _pipe.Writer.Complete();
    }

    private LayerListing? List(string spoolFolder, long spoolLimit, CancellationToken cancellationToken)
    {
        try
        {
            using var input = _pipe.Reader.AsStream(leaveOpen: true);
            return LayerListing.FromTar(input, spoolFolder, spoolLimit, cancellationToken);
        }
        catch (Exception e) when (e is ChunkedBuildException or IOException or UnauthorizedAccessException or InvalidDataException or OperationCanceledException)
        {
            return null;
        }
        finally
        {
            _pipe.Reader.Complete();
        }
    }

    /// <summary>Ends the listing (when the writer did not read the tar to its end) and waits for its thread.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopForwarding();
            // The listing ends at once without more bytes; its outcome (a listing, or null) is CompleteAsync's to give.
            ((IAsyncResult)_listing).AsyncWaitHandle.WaitOne();
        }
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
