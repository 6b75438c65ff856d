using System.Diagnostics;
using System.Globalization;
using ChunkedBuild.Core.Registry;
using ChunkedBuild.Core.Transports.Layout;
using ChunkedBuild.Core.Transports;
using ChunkedBuild.Testing.Registry;

namespace ChunkedBuild.Bench;

/// <summary>
/// The registry figure: a converted image of ≥ 500 MB of layers pushed to Debian's docker-registry on 127.0.0.1 by our client, next to
/// <c>skopeo copy</c> of the same OCI layout in the same run (target: ≤ 1.2× skopeo's time), and a re-push of the same image (every blob
/// already there: HEAD requests only). Rounds interleave; each first push goes to a fresh registry (nothing to mount).
/// </summary>
internal static class PushBench
{
    public static int Run(string work, long totalMb, int runs, string resultPath)
    {
        if (!LocalRegistry.IsAvailable || !File.Exists("/usr/bin/skopeo"))
        {
            Console.Error.WriteLine("push mode needs docker-registry and skopeo (apt-get install docker-registry skopeo)");
            return 2;
        }
        Console.WriteLine($"building and converting (zstd:chunked) a 4-layer image of at least {totalMb} MB of layers…");
        var layout = Path.Combine(work, "image");
        ImageBench.BuildImage(work, layout, totalMb * 1_000_000 / 4);
        var converted = Path.Combine(work, "converted");
        Time("dotnet", [typeof(PushBench).Assembly.Location, "--child-image", "oci:" + layout, "oci:" + converted + ":bench", "-", "zstd-chunked"]);
        var bytes = Directory.GetFiles(Path.Combine(converted, "blobs", "sha256")).Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"converted layout: {bytes / 1e6:F1} MB of blobs");

        // Every timed push goes to a fresh registry, so neither client can mount blobs the other (or an earlier round) pushed.
        var ours = new List<double>();
        var skopeo = new List<double>();
        var repush = new List<double>();
        for (var round = 0; round <= runs; round++)
        {
            double o, s, r;
            using (var registry = LocalRegistry.Start())
            {
                o = Time("dotnet", [typeof(PushBench).Assembly.Location, "--child-push", converted, $"docker://{registry.Host}/app:bench"]);
                r = Time("dotnet", [typeof(PushBench).Assembly.Location, "--child-push", converted, $"docker://{registry.Host}/app:bench"]);
            }
            using (var registry = LocalRegistry.Start())
                s = Time("skopeo", ["copy", "--all", "--dest-tls-verify=false", "oci:" + converted + ":bench", $"docker://{registry.Host}/app:bench"]);
            if (round == 0) continue;
            ours.Add(o);
            skopeo.Add(s);
            repush.Add(r);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round}: ours {o:F2} s, skopeo copy {s:F2} s, re-push {r:F2} s"));
        }
        var ratio = ours.Min() / skopeo.Min();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"push time vs skopeo copy: {ratio:F2}× (target ≤ 1.20×) {(ratio <= 1.2 ? "met" : "NOT met")}; re-push {repush.Min():F2} s"));
        Report.Save(resultPath, new { mode = "push", bytes, runs, oursSeconds = ours, skopeoSeconds = skopeo, repushSeconds = repush, ratio, target = 1.2 });
        return 0;
    }

    /// <summary>Child mode: push the layout's <c>bench</c> image to the reference with our registry client.</summary>
    public static async Task<int> ChildAsync(string[] args)
    {
        var layout = new OciLayoutReader(args[0]);
        var location = Core.Transports.ImageLocation.Parse(args[1], mustExist: false);
        await using var sink = RegistryTransport.CreateSink(location, new RegistryClientOptions().FromEnvironment(Environment.GetEnvironmentVariable));
        await LayoutPush.PushAsync(layout, layout.Resolve("bench"), sink, ["bench"]);
        return 0;
    }

    private static double Time(string program, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? clock.Elapsed.TotalSeconds : throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {stderr.Result}");
    }
}
