using ChunkedBuild.Core.Compression;
using System.Diagnostics;

namespace ChunkedBuild.Tool.Output;

/// <summary>
/// A read-through stream that shows how much of the input has been read: a self-updating line on an interactive
/// terminal, nothing when stderr is redirected or CI is set (the final summary is logged instead).
/// </summary>
public sealed class ProgressStream(Stream inner, long? total, string label) : ReadOnlyStream
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _interactive = !Console.IsErrorRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
    private long _read;
    private long _lastShown = -1;

    /// <summary>Bytes read so far.</summary>
    public long BytesRead => _read;

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        _read += n;
        if (_interactive && _clock.ElapsedMilliseconds - _lastShown >= 250) Show();
        return n;
    }


    /// <summary>Clears the progress line (call before printing results).</summary>
    public void Done()
    {
        if (_interactive && _lastShown >= 0) Console.Error.Write("\r\u001b[2K");
    }

    private void Show()
    {
        _lastShown = _clock.ElapsedMilliseconds;
        var mb = _read / 1048576.0;
        var rate = mb / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        var of = total is > 0 ? $" / {total.Value / 1048576.0:F1} MiB ({100.0 * _read / total.Value:F0}%)" : " MiB";
        Console.Error.Write($"\r\u001b[2K{label}: {mb:F1}{of} at {rate:F0} MiB/s");
    }

    /// <inheritdoc />
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
