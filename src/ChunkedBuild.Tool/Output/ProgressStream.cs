using ChunkedBuild.Core.IO;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ChunkedBuild.Tool.Output;

/// <summary>
/// A read-through stream that shows how much of the input has been read: a self-updating line on an interactive
/// terminal; when stderr is redirected or CI is set, a plain log line every <see cref="LogInterval"/> instead.
/// Nothing is shown when <paramref name="log"/> has information logging off (<c>--quiet</c>).
/// </summary>
public sealed class ProgressStream(Stream inner, long? total, string label, ILogger log) : ReadOnlyStream
{
    /// <summary>How often a log line is written when the progress line cannot be redrawn.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private const long RedrawIntervalMs = 250;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _enabled = log.IsEnabled(LogLevel.Information);
    private readonly bool _interactive = !Console.IsErrorRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
    private long _read;
    private long _lastShown = -1;
    private long _lastLogged;

    /// <summary>Bytes read so far.</summary>
    public long BytesRead => _read;

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        _read += n;
        if (!_enabled) return n;
        var now = _clock.ElapsedMilliseconds;
        if (_interactive && now - _lastShown >= RedrawIntervalMs) Show();
        else if (!_interactive && now - _lastLogged >= (long)LogInterval.TotalMilliseconds) LogLine();
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
        Console.Error.Write($"\r\u001b[2K{Describe()}");
    }

    private void LogLine()
    {
        _lastLogged = _clock.ElapsedMilliseconds;
        log.LogInformation("{Progress}", Describe());
    }

    private string Describe()
    {
        var mb = _read / 1048576.0;
        var rate = mb / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        var of = total is > 0 ? $" / {total.Value / 1048576.0:F1} MiB ({100.0 * _read / total.Value:F0}%)" : " MiB";
        return $"{label}: {mb:F1}{of} read at {rate:F0} MiB/s";
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
