namespace ChunkedBuild.Core.Compression;

/// <summary>
/// Compresses submitted units on several threads and writes them to the destination strictly in submission order,
/// so the output bytes never depend on the thread count. Memory is bounded: <see cref="Submit"/> blocks while too many
/// input bytes are in flight.
/// </summary>
public sealed class OrderedFramePipeline : IDisposable
{
    /// <summary>Creates a pipeline.</summary>
    /// <param name="destination">Where compressed units are written, in order.</param>
    /// <param name="encoderFactory">Makes one encoder per worker thread.</param>
    /// <param name="degreeOfParallelism">Worker threads (1 = still asynchronous, one worker).</param>
    /// <param name="onWritten">Called on the writer thread after each unit is written, in submission order.</param>
    /// <param name="maxBytesInFlight">Bound on submitted-but-unwritten input bytes (default 64 MiB).</param>
    public OrderedFramePipeline(Stream destination, Func<IFrameEncoder> encoderFactory, int degreeOfParallelism,
        Action<FrameWritten> onWritten, long maxBytesInFlight = 64L << 20) => throw new NotImplementedException();

    /// <summary>Offset where the next unit will start once everything submitted is written (destination start = 0).</summary>
    public long BytesWritten => throw new NotImplementedException();

    /// <summary>
    /// Submits <paramref name="length"/> bytes of <paramref name="pooledBuffer"/> (rented from ArrayPool&lt;byte&gt;.Shared;
    /// ownership passes to the pipeline, which returns it) as one unit. Rethrows a failure of an earlier unit.
    /// </summary>
    public void Submit(byte[] pooledBuffer, int length, object? tag, bool hashInput) => throw new NotImplementedException();

    /// <summary>Waits until every unit is written and the destination flushed; rethrows any worker or callback failure.</summary>
    public void Complete() => throw new NotImplementedException();

    /// <summary>Stops the workers; units not yet written are dropped.</summary>
    public void Dispose() => throw new NotImplementedException();
}
