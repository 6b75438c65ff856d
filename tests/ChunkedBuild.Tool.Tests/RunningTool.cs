using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace ChunkedBuild.Tool.Tests;

/// <summary>
/// The tool as a running child process, for tests that act while it works: wait for a line on stderr, send a signal (<c>kill -s</c>), then
/// collect the exit code and the output.
/// </summary>
internal sealed class RunningTool : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stderrLines = new();
    private readonly StringBuilder _stdout = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;

    private RunningTool(Process process)
    {
        _process = process;
        _stdoutPump = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line) lock (_stdout) _stdout.AppendLine(line);
        });
        _stderrPump = Task.Run(() =>
        {
            while (process.StandardError.ReadLine() is { } line) _stderrLines.Enqueue(line);
        });
    }

    /// <summary>Starts <c>dotnet dotnet-chunked.dll args…</c> with CI set and the given extra environment (e.g. TMPDIR).</summary>
    public static RunningTool Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(ToolProcess.Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CI"] = "true";
        psi.Environment["CHUNKEDBUILD_DEBUG"] = "";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        return new RunningTool(Process.Start(psi) ?? throw new InvalidOperationException("could not start the tool"));
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Everything written to stderr so far.</summary>
    public string StdErr => string.Join('\n', _stderrLines);

    /// <summary>Waits until a stderr line contains <paramref name="text"/>; false when the process ended first or the timeout passed.</summary>
    public bool WaitForLine(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_stderrLines.Any(l => l.Contains(text, StringComparison.Ordinal))) return true;
            if (_process.HasExited) return _stderrPump.Wait(TimeSpan.FromSeconds(5)) && _stderrLines.Any(l => l.Contains(text, StringComparison.Ordinal));
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Sends <paramref name="signal"/> (TERM, INT, KILL) with <c>kill -s</c>.</summary>
    public void Signal(string signal)
    {
        var kill = Testing.ProcessRunner.Run("kill", ["-s", signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -s {signal} {Id} failed: {kill.StdErr}");
    }

    /// <summary>Waits for the exit (killing the process after <paramref name="timeout"/>) and returns what it did.</summary>
    public Testing.ProcessResult WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the tool did not end within {timeout}; stderr so far:\n{StdErr}");
        }
        _process.WaitForExit();
        Task.WaitAll(_stdoutPump, _stderrPump);
        lock (_stdout) return new Testing.ProcessResult(_process.ExitCode, _stdout.ToString(), StdErr);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
