using System.Runtime.InteropServices;

namespace ChunkedBuild.Tool;

/// <summary>
/// The tool's one cancellation path: the first SIGINT (Ctrl+C) or SIGTERM cancels the running command's token instead of ending the process.
/// The command then unwinds like any failure (nothing is committed; staging, scratch folders and partial cache files are removed) and the
/// tool exits with 128 + the signal's number (130, 143) and one line on stderr. A second signal ends the process at once (the OS default);
/// whatever that leaves behind is removed by the next run (see <c>ScratchFolder</c>).
/// </summary>
internal sealed class ProcessCancellation : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal;

    public ProcessCancellation()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>The exit code for the signal received (130 for SIGINT, 143 for SIGTERM), or null when none was.</summary>
    public int? ExitCode => Volatile.Read(ref _signal) switch
    {
        0 => null,
        var signal => signal == (int)PosixSignal.SIGINT ? ExitCodes.Cancelled : ExitCodes.Terminated,
    };

    /// <summary>The signal's name, for the message.</summary>
    public string SignalName => Volatile.Read(ref _signal) == (int)PosixSignal.SIGINT ? "SIGINT" : "SIGTERM";

    private void OnSignal(PosixSignalContext context)
    {
        // The first signal cancels; a later one is left to the OS (context.Cancel stays false): the process ends now.
        if (Interlocked.CompareExchange(ref _signal, (int)context.Signal, 0) != 0) return;
        context.Cancel = true;
        _cancel.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancel.Dispose();
    }
}
