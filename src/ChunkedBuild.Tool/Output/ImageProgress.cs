using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using ChunkedBuild.Core.Conversion;
using ChunkedBuild.Core.Formats;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Conversion.Settings;
using Microsoft.Extensions.Logging;

namespace ChunkedBuild.Tool.Output;

/// <summary>
/// Shows an image conversion as it happens: on a terminal, one redrawn progress bar per layer being converted; otherwise (redirected
/// output, <c>CI</c> set) plain log lines when a layer starts and ends, and every 10 s for long layers. Warnings always go to the log.
/// </summary>
public sealed class ImageProgress : IConversionObserver, IProgress<BlobTransferProgress>, IDisposable
{
    private const int BarWidth = 24;
    private readonly ILogger _log;
    private readonly bool _interactive;
    private readonly ConcurrentDictionary<LayerWork, Stopwatch> _active = new();
    private readonly ConcurrentDictionary<Digest, (BlobTransferProgress Last, Stopwatch Clock)> _transfers = new();
    private readonly Lock _console = new();
    private readonly Timer? _timer;
    private int _drawnLines;

    /// <summary>Creates the display; <paramref name="interactive"/> draws bars on stderr.</summary>
    public ImageProgress(ILogger log, bool interactive)
    {
        _log = log;
        _interactive = interactive && log.IsEnabled(LogLevel.Information);
        _timer = new Timer(_ => Tick(), null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(_interactive ? 200 : 10_000));
    }

    /// <inheritdoc />
    public void LayerStarted(LayerWork work)
    {
        _active[work] = Stopwatch.StartNew();
        if (!_interactive) _log.LogInformation("converting layer {Layer} to {Variant} ({Size})", work.ShortName, work.Variant.Name(), ByteSize.Format(work.Source.Size));
    }

    /// <inheritdoc />
    public void LayerFinished(LayerWork work, ConvertedLayer layer)
    {
        _active.TryRemove(work, out var clock);
        var line = layer.Outcome == LayerOutcome.Kept
            ? $"layer {work.ShortName} {work.Variant.Name()}: kept in its original compression"
            : $"layer {work.ShortName} {work.Variant.Name()}: {ByteSize.Format(work.Source.Size)} → {ByteSize.Format(layer.Descriptor.Size)} in {clock?.Elapsed.TotalSeconds ?? 0:F1} s";
        lock (_console)
        {
            Erase();
            _log.LogInformation("{Line}", line);
            Draw();
        }
    }

    /// <inheritdoc />
    public void Warning(string code, string message)
    {
        lock (_console)
        {
            Erase();
            _log.LogWarning("{Code}: {Message}", code, message);
            Draw();
        }
    }

    /// <summary>Registry uploads and downloads: a bar per blob on a terminal, a line when each blob is done (or skipped, or mounted).</summary>
    public void Report(BlobTransferProgress value)
    {
        var done = value.Kind is BlobTransferKind.Skipped or BlobTransferKind.Mounted || value.Transferred >= value.Total;
        if (!done)
        {
            _transfers.AddOrUpdate(value.Digest, _ => (value, Stopwatch.StartNew()), (_, old) => (value, old.Clock));
            return;
        }
        _transfers.TryRemove(value.Digest, out var started);
        var what = value.Kind switch
        {
            BlobTransferKind.Skipped => "already in the registry",
            BlobTransferKind.Mounted => "mounted from another repository",
            BlobTransferKind.Download => $"downloaded ({ByteSize.Format(value.Total)} in {started.Clock?.Elapsed.TotalSeconds ?? 0:F1} s)",
            _ => $"uploaded ({ByteSize.Format(value.Total)} in {started.Clock?.Elapsed.TotalSeconds ?? 0:F1} s)",
        };
        lock (_console)
        {
            Erase();
            _log.LogInformation("blob {Blob}: {What}", value.Digest.Hex[..12], what);
            Draw();
        }
    }

    /// <inheritdoc />
    public void Info(string message) => _log.LogInformation("{Message}", message);

    private void Tick()
    {
        if (_interactive)
        {
            lock (_console)
            {
                Erase();
                Draw();
            }
            return;
        }
        foreach (var (work, clock) in _active)
        {
            _log.LogInformation("layer {Layer} {Variant}: {Done} of {Size} read in {Seconds:F0} s",
                work.ShortName, work.Variant.Name(), ByteSize.Format(work.BytesRead), ByteSize.Format(work.Source.Size), clock.Elapsed.TotalSeconds);
        }
        foreach (var (digest, (last, clock)) in _transfers)
        {
            _log.LogInformation("blob {Blob} {Kind}: {Done} of {Size} in {Seconds:F0} s",
                digest.Hex[..12], last.Kind.ToString().ToLowerInvariant(), ByteSize.Format(last.Transferred), ByteSize.Format(last.Total), clock.Elapsed.TotalSeconds);
        }
    }

    private void Draw()
    {
        if (!_interactive) return;
        var text = new StringBuilder();
        foreach (var (work, clock) in _active.OrderBy(a => a.Key.ShortName, StringComparer.Ordinal))
        {
            var fraction = work.Source.Size > 0 ? Math.Clamp((double)work.BytesRead / work.Source.Size, 0, 1) : 0;
            var filled = (int)(fraction * BarWidth);
            var rate = work.BytesRead / 1048576.0 / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            text.Append($"  {work.ShortName} {work.Variant.Name(),-12} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction * 100,3:F0}% {ByteSize.Format(work.BytesRead)}/{ByteSize.Format(work.Source.Size)} {rate:F0} MiB/s\n");
        }
        foreach (var (digest, (last, clock)) in _transfers.OrderBy(t => t.Key.Hex, StringComparer.Ordinal))
        {
            var fraction = last.Total > 0 ? Math.Clamp((double)last.Transferred / last.Total, 0, 1) : 0;
            var filled = (int)(fraction * BarWidth);
            var rate = last.Transferred / 1048576.0 / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            text.Append($"  {digest.Hex[..12]} {last.Kind.ToString().ToLowerInvariant(),-12} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction * 100,3:F0}% {ByteSize.Format(last.Transferred)}/{ByteSize.Format(last.Total)} {rate:F0} MiB/s\n");
        }
        Console.Error.Write(text.ToString());
        _drawnLines = _active.Count + _transfers.Count;
    }

    private void Erase()
    {
        if (!_interactive || _drawnLines == 0) return;
        Console.Error.Write($"\u001b[{_drawnLines}A\u001b[0J");
        _drawnLines = 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _timer?.Dispose();
        lock (_console) Erase();
    }
}
