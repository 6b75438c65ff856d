using System.Formats.Tar;
using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.Oci;

namespace ChunkedBuild.Tool.Tests;

/// <summary>
/// A layer that takes seconds to convert at gzip level 9 (64 files of 1 MiB of compressible text), as a tar and as a one-layer OCI layout:
/// long enough to signal or kill the tool while it converts. Built once per test class.
/// </summary>
public sealed class SlowImage : IDisposable
{
    private const int Files = 64;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("chb-slow-image-");

    public SlowImage()
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            for (var i = 0; i < Files; i++)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"data/part-{i:D3}.txt") { DataStream = new MemoryStream(SeededBytes.Text(1 << 20, (ulong)i + 1)) };
                writer.WriteEntry(entry);
            }
        }
        LayerTar = Path.Combine(_folder.FullName, "layer.tar");
        File.WriteAllBytes(LayerTar, tar.ToArray());
        Layout = Path.Combine(_folder.FullName, "layout");
        TestImageLayout.WriteLayout(Layout, [new TestPlatformImage("linux", "amd64", [tar.ToArray()])], ["1.0"]);
    }

    /// <summary>The layer as a plain tar.</summary>
    public string LayerTar { get; }

    /// <summary>The one-layer image, tagged <c>1.0</c>.</summary>
    public string Layout { get; }

    /// <summary>A path inside the layer that <c>--prioritize</c> can name (so eStargz spools the layer).</summary>
    public static string PrioritizedFile => "data/part-063.txt";

    public void Dispose() => _folder.Delete(recursive: true);
}
