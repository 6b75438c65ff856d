using System.Diagnostics;

namespace ChunkedBuild.Testing.LazyPull;

/// <summary>One line a container printed and when it arrived (the session's clock).</summary>
public sealed record OutputLine(TimeSpan At, string Text);

/// <summary>
/// A container started by <c>ctr run --rm</c> (<see cref="LazyPullSession.RunContainer"/>): its stdout lines with their arrival times, its
/// stderr (ctr's errors included), and the way to stop it (a server runs until killed).
/// </summary>
public sealed class ContainerRun : IDisposable
{
    private readonly Process _process;
    private readonly Func<TimeSpan> _clock;
    private readonly Action<string> _kill;
    private readonly List<OutputLine> _output = [];
    private readonly List<string> _errors = [];
    private readonly SemaphoreSlim _lineArrived = new(0);

    internal ContainerRun(Process process, string id, Func<TimeSpan> clock, Action<string> kill, Action<OutputLine>? onLine)
    {
        _process = process;
        Id = id;
        _clock = clock;
        _kill = kill;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            var line = new OutputLine(_clock(), e.Data);
            onLine?.Invoke(line);
            lock (_output) _output.Add(line);
            _lineArrived.Release();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_errors) _errors.Add(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The container id.</summary>
    public string Id { get; }

    /// <summary>The stdout lines so far.</summary>
    public IReadOnlyList<OutputLine> Output
    {
        get { lock (_output) return [.. _output]; }
    }

    /// <summary>What ctr and the container wrote to stderr so far.</summary>
    public string Errors
    {
        get { lock (_errors) return string.Join('\n', _errors); }
    }

    /// <summary>When the first stdout line arrived, or null.</summary>
    public TimeSpan? FirstOutputAt => Output is [var first, ..] ? first.At : null;

    /// <summary>Waits until a stdout line matches <paramref name="match"/> (true) or the container exits or <paramref name="timeout"/> passes (false).</summary>
    public bool WaitForLine(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (Output.Any(l => match(l.Text))) return true;
            if (_process.HasExited)
            {
                _process.WaitForExit(); // drains the redirected streams
                return Output.Any(l => match(l.Text));
            }
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero) return false;
            _lineArrived.Wait(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Waits for <c>ctr run</c> to exit (the container ended and was removed); its exit code, or null on timeout.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return null;
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Kills the container's task (SIGKILL through ctr) and waits for <c>ctr run --rm</c> to clean up.</summary>
    public void Stop()
    {
        if (_process.HasExited) return;
        _kill(Id);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Stops the container if it still runs.</summary>
    public void Dispose()
    {
        try
        {
            Stop();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _lineArrived.Dispose();
    }
}
