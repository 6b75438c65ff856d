using System.Diagnostics;

namespace ChunkedBuild.Testing.LazyPull;

/// <summary>
/// A long-running child (containerd, the snapshotter) whose stdout and stderr lines are kept, started and waited on until its unix
/// socket exists. Dispose kills it and waits for it.
/// </summary>
internal sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<OutputLine> _lines = [];
    private readonly Func<TimeSpan> _clock;

    private DaemonProcess(Process process, string name, Func<TimeSpan> clock)
    {
        _clock = clock;
        _process = process;
        Name = name;
    }

    /// <summary>What it is, for messages.</summary>
    public string Name { get; }

    /// <summary>Every line it printed so far (stdout and stderr interleaved as they arrived).</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return [.. _lines.Select(l => l.Text)]; }
    }

    /// <summary>Every line so far with the time it arrived (the clock given to <see cref="Start"/>): a timeline of what the daemon did.</summary>
    public IReadOnlyList<OutputLine> TimedLines
    {
        get { lock (_lines) return [.. _lines]; }
    }

    /// <summary>Starts <paramref name="program"/> and waits (up to 30 s) until <paramref name="socket"/> exists; <paramref name="clock"/> times its lines.</summary>
    public static DaemonProcess Start(string name, string program, IEnumerable<string> arguments, string socket, Func<TimeSpan> clock)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var daemon = new DaemonProcess(process, name, clock);
        process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var waited = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                throw new InvalidOperationException($"{name} exited {process.ExitCode} before listening:\n{string.Join('\n', daemon.Lines)}");
            }
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                daemon.Dispose();
                throw new TimeoutException($"{name} did not create {socket} in 30 s:\n{string.Join('\n', daemon.Lines)}");
            }
            Thread.Sleep(20);
        }
        return daemon;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        var at = _clock();
        lock (_lines) _lines.Add(new OutputLine(at, line));
    }

    /// <summary>Kills the process (SIGKILL) and waits for it.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
