using System.Net;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.LazyPull;
using ChunkedBuild.Testing.Registry;

namespace ChunkedBuild.LazyPull.Tests;

/// <summary>What one lazy pull and run of an image produced.</summary>
/// <param name="Image">The image as the registry holds it (the manifest containerd uses, with its TOCs).</param>
/// <param name="Pull">The <c>ctr-remote image rpull</c> result.</param>
/// <param name="ExitCode">The container's exit code (through <c>ctr run</c>), null when it did not run or end.</param>
/// <param name="Output">What the container printed.</param>
/// <param name="Errors">What <c>ctr run</c> wrote to stderr.</param>
/// <param name="Log">The snapshotter's log.</param>
/// <param name="Exchanges">Every HTTP exchange between containerd/the snapshotter and the registry.</param>
/// <param name="Unparsed">Connections the link could not follow as HTTP (should be none).</param>
public sealed record LazyStartRun(LazyImage Image, ProcessResult Pull, int? ExitCode, IReadOnlyList<OutputLine> Output, string Errors, SnapshotterLog Log,
    IReadOnlyList<HttpExchange> Exchanges, IReadOnlyList<string> Unparsed)
{
    /// <summary>When the first line arrived (the link's clock); <see cref="TimeSpan.MaxValue"/> when nothing was printed.</summary>
    public TimeSpan PrintedAt => Output is [var first, ..] ? first.At : TimeSpan.MaxValue;

    /// <summary>The printed lines.</summary>
    public IEnumerable<string> Lines => Output.Select(l => l.Text);

    /// <summary>Everything worth reading when an assertion fails.</summary>
    public string Describe() =>
        $"rpull exit {Pull.ExitCode}: {Pull.StdErr.Trim()}\nctr run exit {ExitCode?.ToString() ?? "none"}: {Errors}\noutput: {string.Join(" | ", Lines)}\n" +
        $"snapshotter problems:\n{string.Join('\n', Log.Problems.Take(20))}\nlayers:\n" +
        string.Join('\n', Image.Layers.Select(l => $"  {l.Index} {l.Digest[..19]} {l.Descriptor.Size} B, landmark at {l.PrefetchEnd?.ToString() ?? "-"}, first: " +
            string.Join(", ", (l.TocEntries ?? []).Where(e => e.Type == "reg").Take(4).Select(e => e.Name)))) + "\nlayer requests:\n" +
        string.Join('\n', Exchanges.Where(e => e.BlobDigest is not null).Select(e => $"  {e.Method} {e.BlobDigest![..19]} Range={e.Range ?? "-"} → {e.Status} {e.BodyBytes} B at {e.CompletedAt.TotalMilliseconds:F0} ms"));

    /// <summary>
    /// Pulls <paramref name="image"/> (repository:tag in <paramref name="registry"/>) with <c>ctr-remote image rpull</c> through a recording
    /// link, runs it with <c>ctr run --snapshotter stargz</c> until it exits, and collects what happened. A fresh containerd and snapshotter
    /// every time (<see cref="LazyPullSession"/>), background fetch off so every byte fetched is one the start asked for;
    /// <paramref name="snapshotterConfig"/> adds snapshotter settings (<see cref="LazyPullOptions.SnapshotterConfig"/>).
    /// </summary>
    public static async Task<LazyStartRun> RunAsync(LocalRegistry registry, string image, string? snapshotterConfig = null)
    {
        using var link = ShapedLink.Start(new IPEndPoint(IPAddress.Loopback, registry.Port), profile: null);
        using var session = LazyPullSession.Start(new LazyPullOptions { NoBackgroundFetch = true, SnapshotterConfig = snapshotterConfig }, () => link.Now);
        var reference = $"{link.Host}/{image}";
        var pull = session.RemotePull(reference);
        int? exit = null;
        IReadOnlyList<OutputLine> output = [];
        var errors = "";
        if (pull.ExitCode == 0)
        {
            using var run = session.RunContainer(reference, lazy: true);
            exit = run.WaitForExit(TimeSpan.FromMinutes(3));
            output = run.Output;
            errors = run.Errors;
        }
        var read = await LazyImage.ReadAsync($"{registry.Host}/{image}");
        return new LazyStartRun(read, pull, exit, output, errors, session.SnapshotterLog, link.Exchanges, link.Unparsed);
    }
}
