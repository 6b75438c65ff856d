using System.Formats.Tar;
using System.IO.Compression;

namespace ChunkedBuild.Testing.Images;

/// <summary>A <c>dotnet publish</c> output folder as an image layer at <c>/app</c>.</summary>
public static class PublishedAppLayer
{
    /// <summary>
    /// The app layer as the SDK's PublishContainer lays it out: <c>app/</c> then every published file under it (sorted), deterministic
    /// (ustar, uid/gid 0, <see cref="TestLayers.EntryTime"/>), file modes from the publish output, gzip at <paramref name="level"/>.
    /// </summary>
    public static TestLayer Build(string folder, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var tar = new MemoryStream();
        using (var w = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            w.WriteEntry(Entry(TarEntryType.Directory, "app/", (UnixFileMode)0b111_101_101));
            var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal);
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                for (var i = file.IndexOf('/'); i > 0; i = file.IndexOf('/', i + 1))
                {
                    if (written.Add(file[..i])) w.WriteEntry(Entry(TarEntryType.Directory, $"app/{file[..i]}/", (UnixFileMode)0b111_101_101));
                }
                var entry = Entry(TarEntryType.RegularFile, "app/" + file, OperatingSystem.IsWindows() ? (UnixFileMode)0b110_100_100 : File.GetUnixFileMode(Path.Combine(folder, file)));
                using var content = File.OpenRead(Path.Combine(folder, file));
                entry.DataStream = content;
                w.WriteEntry(entry);
            }
        }
        return TestLayer.FromTar(tar.ToArray(), level);
    }

    private static UstarTarEntry Entry(TarEntryType type, string name, UnixFileMode mode) => new(type, name)
    {
        Mode = mode, Uid = 0, Gid = 0, UserName = "root", GroupName = "root", ModificationTime = TestLayers.EntryTime,
    };
}
