using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace ChunkedBuild.Testing.Images;

/// <summary>One gzip layer of a test base image: the compressed blob and the digest of its uncompressed tar (the diff ID).</summary>
/// <param name="Gzip">The gzip-compressed tar.</param>
/// <param name="DiffId">sha256 of the uncompressed tar, <c>sha256:&lt;hex&gt;</c>.</param>
public sealed record TestLayer(byte[] Gzip, string DiffId)
{
    /// <summary>Gzips an uncompressed layer tar at <paramref name="level"/>; the diff ID is the sha256 of <paramref name="tar"/>.</summary>
    public static TestLayer FromTar(byte[] tar, CompressionLevel level)
    {
        using var gzip = new MemoryStream();
        using (var z = new GZipStream(gzip, level, leaveOpen: true)) z.Write(tar);
        return new TestLayer(gzip.ToArray(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar)));
    }
}

/// <summary>
/// The two layers of the test base images, written with System.Formats.Tar (ustar headers, uid/gid 0 "root", a fixed
/// mtime) and GZipStream, so the same inputs give the same bytes on every run with the same runtime.
/// </summary>
public static class TestLayers
{
    /// <summary>The mtime of every entry: 2024-01-01T00:00:00Z (a fixed instant, not the clock).</summary>
    public static DateTimeOffset EntryTime { get; } = DateTimeOffset.FromUnixTimeSeconds(1_704_067_200);

    /// <summary>
    /// The system layer (arch specific): a directory tree, <c>/etc/os-release</c>, <c>/etc/motd</c> (whited out by the
    /// data layer), <c>/usr/bin/hello</c> (48 KiB of seeded bytes per arch, mode 0755), the symlink <c>/usr/bin/hi → hello</c>,
    /// and <c>/tmp</c> with mode 1777.
    /// </summary>
    public static TestLayer System(TestPlatform platform) => Build(w =>
    {
        Directory(w, "etc/");
        File(w, "etc/motd", "Welcome to the ChunkedBuild test base.\n"u8.ToArray());
        File(w, "etc/os-release", Encoding.ASCII.GetBytes(
            $"NAME=\"ChunkedBuild test base\"\nID=testbase\nVERSION_ID=1\nARCH={platform.Architecture}\n"));
        Directory(w, "tmp/", UnixFileMode.StickyBit | (UnixFileMode)0b111_111_111);
        Directory(w, "usr/");
        Directory(w, "usr/bin/");
        var hello = SeededBytes.Random(48 * 1024, platform.Architecture == "amd64" ? 0xA3D64UL : 0xA4064UL);
        "\u007fELF"u8.CopyTo(hello);
        File(w, "usr/bin/hello", hello, (UnixFileMode)0b111_101_101);
        Link(w, TarEntryType.SymbolicLink, "usr/bin/hi", "hello");
        Directory(w, "usr/share/");
        Directory(w, "usr/share/doc/");
        Directory(w, "usr/share/doc/testbase/");
        File(w, "usr/share/doc/testbase/README", "A deterministic base image for ChunkedBuild's end-to-end tests.\n"u8.ToArray());
    });

    /// <summary>
    /// The data layer (the same bytes for every arch): <c>/usr/lib/testbase/bulk.bin</c> (<paramref name="bulkBytes"/> of
    /// incompressible seeded bytes, so chunking has something to cut), a hard link to it, an empty file,
    /// <c>/usr/share/testbase/words.txt</c> (<paramref name="textBytes"/> of compressible text) and the whiteout <c>/etc/.wh.motd</c>.
    /// </summary>
    public static TestLayer Data(int bulkBytes, int textBytes) => Build(w =>
    {
        Directory(w, "etc/");
        File(w, "etc/.wh.motd", []);
        Directory(w, "usr/");
        Directory(w, "usr/lib/");
        Directory(w, "usr/lib/testbase/");
        File(w, "usr/lib/testbase/bulk.bin", SeededBytes.Random(bulkBytes, 0xB01CUL));
        Link(w, TarEntryType.HardLink, "usr/lib/testbase/bulk.link", "usr/lib/testbase/bulk.bin");
        File(w, "usr/lib/testbase/empty", []);
        Directory(w, "usr/share/");
        Directory(w, "usr/share/testbase/");
        File(w, "usr/share/testbase/words.txt", SeededBytes.Text(textBytes, 0x7E47UL));
    });

    private static TestLayer Build(Action<TarWriter> entries)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true)) entries(writer);
        return TestLayer.FromTar(tar.ToArray(), CompressionLevel.Optimal);
    }

    private static void Directory(TarWriter w, string name, UnixFileMode mode = (UnixFileMode)0b111_101_101) =>
        w.WriteEntry(Entry(TarEntryType.Directory, name, mode));

    private static void File(TarWriter w, string name, byte[] content, UnixFileMode mode = (UnixFileMode)0b110_100_100)
    {
        var entry = Entry(TarEntryType.RegularFile, name, mode);
        entry.DataStream = new MemoryStream(content, writable: false);
        w.WriteEntry(entry);
    }

    private static void Link(TarWriter w, TarEntryType type, string name, string target)
    {
        // Symlinks carry 0777 as tar writers store them; a hard link carries its target's mode.
        var entry = Entry(type, name, type == TarEntryType.SymbolicLink ? (UnixFileMode)0b111_111_111 : (UnixFileMode)0b110_100_100);
        entry.LinkName = target;
        w.WriteEntry(entry);
    }

    private static UstarTarEntry Entry(TarEntryType type, string name, UnixFileMode mode) => new(type, name)
    {
        Mode = mode,
        Uid = 0,
        Gid = 0,
        UserName = "root",
        GroupName = "root",
        ModificationTime = EntryTime,
    };
}
