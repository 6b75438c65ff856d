using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using ChunkedBuild.Core.Oci;
using ChunkedBuild.Testing;
using ChunkedBuild.Testing.Oci;

namespace ChunkedBuild.Bench;

/// <summary>
/// The layer-count figure (<c>--layer-counts 2000,20000</c>): images of many tiny layers (one small file each, gzip) converted end to
/// end by the tool as users run it (<c>dotnet chunked convert</c>, both variants, auto prioritization, no cache), in the same run. The
/// work per layer is constant, so the time must grow linearly with the layer count: the bench prints the ratio of the times next to
/// the ratio of the counts (target: at most 1.2× the count ratio, i.e. 12× for 10× the layers; quadratic work would give 100×).
/// </summary>
internal static class LayerCountBench
{
    /// <summary>How far above the count ratio the time ratio may be (process start-up and JIT make small runs relatively slower, not faster).</summary>
    private const double TargetSlack = 1.2;

    public static int Run(string work, IReadOnlyList<int> counts, string resultPath)
    {
        Console.WriteLine($"converting images of {string.Join(", ", counts)} one-file layers with the tool ({Environment.ProcessorCount} cores, load average {LoadAverage()})…");
        var rows = new List<(int Layers, double Seconds, double? CpuSeconds, long ManifestBytes)>();
        foreach (var count in counts)
        {
            var layout = Path.Combine(work, $"layers{count}");
            var manifestBytes = BuildImage(layout, count);
            var output = Path.Combine(work, $"out{count}");
            var (seconds, cpu) = Time(["convert", "oci:" + layout, "oci:" + output, "--no-cache", "-q"]);
            Directory.Delete(output, recursive: true);
            Directory.Delete(layout, recursive: true);
            rows.Add((count, seconds, cpu, manifestBytes));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {count,6} layers: {seconds:F2} s wall, {(cpu is { } c ? $"{c:F2} s" : "n/a")} CPU ({1000 * seconds / count:F2} ms per layer; source manifest {manifestBytes / 1e6:F1} MB)"));
        }
        var (small, large) = (rows[0], rows[^1]);
        var countRatio = (double)large.Layers / small.Layers;
        var timeRatio = large.Seconds / small.Seconds;
        double? cpuRatio = large.CpuSeconds / small.CpuSeconds;
        // CPU time (user + system) does not count waiting for cores other work holds, so it is the steadier figure on a shared machine.
        var judged = cpuRatio ?? timeRatio;
        var met = judged <= TargetSlack * countRatio;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{large.Layers} layers took {timeRatio:F1}× the wall time{(cpuRatio is { } r ? $" and {r:F1}× the CPU time" : "")} of {small.Layers} ({countRatio:F0}× the layers; linear ≈ {countRatio:F0}×, quadratic ≈ {countRatio * countRatio:F0}×)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target: ≤ {TargetSlack * countRatio:F0}× ({(cpuRatio is null ? "wall" : "CPU")} time) {(met ? "met" : "NOT met")}; load average after: {LoadAverage()}"));
        Report.Save(resultPath, new
        {
            mode = "layer-count",
            cores = Environment.ProcessorCount,
            runs = rows.Select(r => new { layers = r.Layers, seconds = r.Seconds, cpuSeconds = r.CpuSeconds, manifestBytes = r.ManifestBytes }),
            countRatio,
            timeRatio,
            cpuRatio,
            target = TargetSlack * countRatio,
        });
        return met ? 0 : 1;
    }

    /// <summary>Writes an OCI layout of <paramref name="count"/> distinct one-file gzip layers; returns the manifest's size.</summary>
    internal static long BuildImage(string layout, int count)
    {
        Directory.CreateDirectory(Path.Combine(layout, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(layout, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        var layers = new List<Descriptor>(count);
        var diffIds = new List<Digest>(count);
        for (var i = 0; i < count; i++)
        {
            var tar = new MemoryStream();
            using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            {
                var name = $"layers/{i / 1000:D3}/file{i:D6}.txt";
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"layer {i}\n")), ModificationTime = DateTimeOffset.UnixEpoch });
            }
            diffIds.Add(Digest.Sha256Of(tar.ToArray()));
            var gz = new MemoryStream();
            using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(tar.ToArray());
            layers.Add(new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = TestImageLayout.WriteBlob(layout, gz.ToArray()), Size = gz.Length });
        }
        var config = TestImageLayout.Config("linux", "amd64", diffIds);
        var manifest = OciDocument<Manifest>.Create(new Manifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = TestImageLayout.WriteBlob(layout, config), Size = config.Length },
            Layers = layers,
        });
        TestImageLayout.WriteBlob(layout, manifest.Raw.ToArray());
        var index = OciDocument<ImageIndex>.Create(new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = [manifest.Describe(MediaTypes.OciManifest, annotations: new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = "bench" })],
        });
        File.WriteAllBytes(Path.Combine(layout, "index.json"), index.Raw.ToArray());
        return manifest.Size;
    }

    /// <summary>Runs the tool (under GNU time when installed, for its CPU time); returns wall and CPU (user + system) seconds.</summary>
    private static (double Seconds, double? CpuSeconds) Time(IReadOnlyList<string> toolArgs)
    {
        var cpuFile = ProcessMeasure.HasTimeTool ? Path.GetTempFileName() : null;
        string[] command = cpuFile is null ? ["dotnet", ChunkedTool.Dll, .. toolArgs] : ["/usr/bin/time", "-f", "%U %S", "-o", cpuFile, "dotnet", ChunkedTool.Dll, .. toolArgs];
        try
        {
            var clock = Stopwatch.StartNew();
            var result = ProcessRunner.Run(command[0], command[1..], environment: new Dictionary<string, string> { ["CI"] = "true" }, timeout: TimeSpan.FromHours(1));
            var seconds = clock.Elapsed.TotalSeconds;
            if (result.ExitCode != 0) throw new InvalidOperationException($"dotnet chunked {string.Join(' ', toolArgs)} failed ({result.ExitCode}): {result.StdErr}");
            double? cpu = null;
            if (cpuFile is not null && File.ReadAllText(cpuFile).Trim().Split('\n')[^1].Split(' ') is [var user, var system])
                cpu = double.Parse(user, CultureInfo.InvariantCulture) + double.Parse(system, CultureInfo.InvariantCulture);
            return (seconds, cpu);
        }
        finally
        {
            if (cpuFile is not null) File.Delete(cpuFile);
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
