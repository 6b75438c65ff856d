using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using ChunkedBuild.Core.IO;

namespace ChunkedBuild.Core.Compression;

/// <summary>
/// Compresses submitted units on several threads and writes them to the destination strictly in submission order,
/// so the output bytes never depend on the thread count. Memory is bounded: <see cref="Submit"/> blocks while too many
/// input bytes are in flight.
/// </summary>
public sealed class OrderedFramePipeline : IDisposable
{
    private readonly Stream _destination;
    private readonly Action<FrameWritten> _onWritten;
    private readonly long _maxBytesInFlight;
    private readonly BlockingCollection<Unit> _work = new();
    private readonly BlockingCollection<Unit> _ordered = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread[] _workers;
    private readonly Thread _writer;
    private readonly object _gate = new();
    private long _bytesInFlight;
    private long _bytesWritten;
    private ExceptionDispatchInfo? _failure;
    private bool _completed;

    /// <summary>Creates a pipeline.</summary>
    /// <param name="destination">Where compressed units are written, in order.</param>
    /// <param name="encoderFactory">Makes one encoder per worker thread.</param>
    /// <param name="degreeOfParallelism">Worker threads (1 = still asynchronous, one worker).</param>
    /// <param name="onWritten">Called on the writer thread after each unit is written, in submission order.</param>
    /// <param name="maxBytesInFlight">Bound on submitted-but-unwritten input bytes (default 32 MiB).</param>
    public OrderedFramePipeline(Stream destination, Func<IFrameEncoder> encoderFactory, int degreeOfParallelism,
        Action<FrameWritten> onWritten, long maxBytesInFlight = 32L << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreeOfParallelism, 1);
        // A pool of its own, bounded, so that buffers rented on the producer and returned on the writer thread are
        // reused instead of piling up in the shared pool's per-core caches (which can keep hundreds of MiB alive).
        Buffers = ArrayPool<byte>.Create(MaxPooledArrayLength, degreeOfParallelism + 4);
        _destination = destination;
        _onWritten = onWritten;
        _maxBytesInFlight = maxBytesInFlight;
        _workers = new Thread[degreeOfParallelism];
        for (var i = 0; i < _workers.Length; i++)
        {
            var encoder = encoderFactory();
            _workers[i] = new Thread(() => Work(encoder)) { IsBackground = true, Name = $"chunkedbuild-encoder-{i}" };
            _workers[i].Start();
        }
        _writer = new Thread(Write) { IsBackground = true, Name = "chunkedbuild-writer" };
        _writer.Start();
    }

    /// <summary>Arrays above this length are not kept for reuse.</summary>
    private const int MaxPooledArrayLength = 16 << 20;

    /// <summary>The pool that input buffers given to <see cref="Submit"/> must come from (and output buffers use).</summary>
    public ArrayPool<byte> Buffers { get; }

    /// <summary>Offset where the next unit will start once everything submitted is written (destination start = 0).</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>
    /// Submits <paramref name="length"/> bytes of <paramref name="pooledBuffer"/> (rented from <see cref="Buffers"/>;
    /// ownership passes to the pipeline, which returns it) as one unit. Rethrows a failure of an earlier unit.
    /// </summary>
    public void Submit(byte[] pooledBuffer, int length, object? tag, bool hashInput)
    {
        lock (_gate)
        {
            // Memory is what matters, so buffers count with their capacity, not the bytes used.
            while (_failure is null && _bytesInFlight > 0 && _bytesInFlight + pooledBuffer.Length > _maxBytesInFlight) Monitor.Wait(_gate);
            if (_failure is not null)
            {
                Buffers.Return(pooledBuffer);
                _failure.Throw();
            }
            _bytesInFlight += pooledBuffer.Length;
        }
        var unit = new Unit(pooledBuffer, length, tag, hashInput, Buffers);
        _ordered.Add(unit);
        _work.Add(unit);
    }

    /// <summary>Waits until every unit is written and the destination flushed; rethrows any worker or callback failure.</summary>
    public void Complete()
    {
        if (_completed) return;
        _completed = true;
        _work.CompleteAdding();
        _ordered.CompleteAdding();
        _writer.Join();
        foreach (var w in _workers) w.Join();
        _failure?.Throw();
        _destination.Flush();
    }

    /// <summary>Stops the workers; units not yet written are dropped.</summary>
    public void Dispose()
    {
        if (!_completed)
        {
            _completed = true;
            _stop.Cancel();
            _work.CompleteAdding();
            _ordered.CompleteAdding();
            _writer.Join();
            foreach (var w in _workers) w.Join();
        }
        foreach (var unit in _ordered) unit.Release();
        _work.Dispose();
        _ordered.Dispose();
        _stop.Dispose();
    }

    private void Work(IFrameEncoder encoder)
    {
        using (encoder)
        {
            try
            {
                foreach (var unit in _work.GetConsumingEnumerable(_stop.Token))
                {
                    try
                    {
                        var input = unit.Input.AsSpan(0, unit.Length);
                        // Sized for the compress bound, so that the encoder does not have to grow it.
                        var output = new PooledBufferWriter(Buffers, unit.Length + (unit.Length >> 7) + 512);
                        unit.Output = output;
                        encoder.Encode(input, output);
                        if (unit.HashInput) unit.Sha256 = SHA256.HashData(input);
                    }
                    catch (Exception e)
                    {
                        unit.Failure = ExceptionDispatchInfo.Capture(e);
                    }
                    unit.Done.Set();
                }
            }
            catch (OperationCanceledException)
            {
                // Dispose before Complete: stop quietly.
            }
        }
    }

    private void Write()
    {
        try
        {
            foreach (var unit in _ordered.GetConsumingEnumerable(_stop.Token))
            {
                unit.Done.Wait(_stop.Token);
                unit.Failure?.Throw();
                var output = unit.Output!;
                var offset = _bytesWritten;
                _destination.Write(output.WrittenSpan);
                Interlocked.Add(ref _bytesWritten, output.WrittenSpan.Length);
                _onWritten(new FrameWritten(unit.Tag, unit.Input.AsMemory(0, unit.Length), offset, output.WrittenSpan.Length, unit.Sha256));
                unit.Output = null;
                output.Dispose();
                var capacity = unit.Input.Length;
                unit.Release();
                lock (_gate)
                {
                    _bytesInFlight -= capacity;
                    Monitor.PulseAll(_gate);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Dispose before Complete: stop quietly.
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _failure ??= ExceptionDispatchInfo.Capture(e);
                Monitor.PulseAll(_gate);
            }
            _stop.Cancel();
        }
    }

    private sealed class Unit(byte[] input, int length, object? tag, bool hashInput, ArrayPool<byte> pool)
    {
        private byte[]? _input = input;
        public byte[] Input => _input ?? [];
        public int Length { get; } = length;
        public object? Tag { get; } = tag;
        public bool HashInput { get; } = hashInput;
        public ManualResetEventSlim Done { get; } = new();
        public PooledBufferWriter? Output { get; set; }
        public byte[]? Sha256 { get; set; }
        public ExceptionDispatchInfo? Failure { get; set; }

        public void Release()
        {
            var buffer = Interlocked.Exchange(ref _input, null);
            if (buffer is not null) pool.Return(buffer);
            Done.Dispose();
        }
    }
}
