using System.Diagnostics;

namespace ChunkedBuild.Bench;

/// <summary>
/// A competing CPU load the bench starts itself: one child process spinning on one core (<c>sh -c 'while :; do :; done'</c>)
/// for as long as this object lives, so the second set of rounds measures every writer with one core busy.
/// </summary>
internal sealed class CpuLoad : IDisposable
{
    private readonly Process _spinner;

    private CpuLoad(Process spinner) => _spinner = spinner;

    /// <summary>Starts the spinning child.</summary>
    public static CpuLoad OneBusyCore()
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("while :; do :; done");
        var spinner = Process.Start(psi) ?? throw new InvalidOperationException("could not start the CPU load");
        Thread.Sleep(200); // let it reach the scheduler's steady state before the first round
        return new CpuLoad(spinner);
    }

    /// <summary>Stops the child (by its own process id).</summary>
    public void Dispose()
    {
        if (!_spinner.HasExited) _spinner.Kill();
        _spinner.WaitForExit();
        _spinner.Dispose();
    }
}
