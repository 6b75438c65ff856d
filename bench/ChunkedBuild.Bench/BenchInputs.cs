using System.Formats.Tar;

namespace ChunkedBuild.Bench;

/// <summary>Builds the benchmark input: a real tar of the installed .NET shared runtime, repeated to the size asked for.</summary>
internal static class BenchInputs
{
    public static string RuntimeTar(string folder, long minimumBytes)
    {
        var dotnetRoot = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location)))!; // …/shared/Microsoft.NETCore.App/x → root
        var shared = Path.Combine(Path.GetDirectoryName(dotnetRoot)!, "shared");
        if (!Directory.Exists(shared)) shared = Path.Combine(dotnetRoot, "shared");
        var files = Directory.EnumerateFiles(shared, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var path = Path.Combine(folder, "runtime.tar");
        using (var stream = File.Create(path))
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax))
        {
            for (var copy = 0; stream.Length < minimumBytes || copy == 0; copy++)
            {
                foreach (var file in files)
                {
                    var name = $"copy{copy}/{Path.GetRelativePath(Path.GetDirectoryName(shared)!, file).Replace('\\', '/')}";
                    writer.WriteEntry(file, name);
                }
            }
        }
        return path;
    }
}
