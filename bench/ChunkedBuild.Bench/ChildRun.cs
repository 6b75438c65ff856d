using System.Globalization;
using ChunkedBuild.Core.Formats;

namespace ChunkedBuild.Bench;

/// <summary>The child-process mode: converts one file with one of our writers, exactly as the tool does.</summary>
internal static class ChildRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (format, input, output, level) = (args[0], args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
        await LayerFileConverter.ConvertAsync(input, output, LayerFormats.Get(format), new FormatOptions { Level = level });
        if (Environment.GetEnvironmentVariable("CHUNKEDBUILD_BENCH_GCINFO") == "1")
        {
            var info = GC.GetGCMemoryInfo(GCKind.Any);
            Console.Error.WriteLine($"gc heap {info.HeapSizeBytes >> 20} MiB, committed {info.TotalCommittedBytes >> 20} MiB, total allocated {GC.GetTotalAllocatedBytes() >> 20} MiB, gen2 collections {GC.CollectionCount(2)}");
        }
        return 0;
    }
}
