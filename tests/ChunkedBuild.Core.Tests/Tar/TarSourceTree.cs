using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Core.Tests.Tar;

/// <summary>
/// A directory tree for archiving with GNU tar and bsdtar: regular files of awkward sizes, an executable, a symlink,
/// a hard link, a FIFO, a file with a nanosecond mtime and user xattrs (binary value included), a ustar-splittable
/// long path, a path over 255 bytes and a symlink target over 100 bytes.
/// </summary>
internal sealed class TarSourceTree : IDisposable
{
    /// <summary>Nanosecond mtime of <c>d/small.txt</c>: 2021-03-04T05:06:07.123456789Z.</summary>
    public static readonly ChunkedBuild.Core.Tar.TarTime SmallMTime = new(1614834367, 123456789);
    public static readonly byte[] BinaryXattr = [0x00, 0xFF, 0x00, 0x80];
    public static readonly string UstarPath = "u/" + new string('p', 90) + "/" + new string('q', 60) + ".txt";
    public static readonly string LongPath = "g/" + new string('a', 120) + "/" + new string('b', 120) + "/" + new string('c', 60) + ".txt";
    public static readonly string LongLinkTarget = "../" + new string('x', 147);

    public string Root { get; }
    public bool HasXattrs { get; }

    /// <summary>Paths (relative to <see cref="Root"/>) that every format can store (V7: names up to 99 bytes, no FIFO).</summary>
    public static readonly string[] V7Paths = ["d", "d/empty", "d/small.txt", "d/b512", "d/odd.bin", "d/exec.sh", "d/link", "d/hard"];
    public static readonly string[] UstarPaths = [.. V7Paths, "d/fifo", "u", Path.GetDirectoryName(UstarPath)!, UstarPath];
    public static readonly string[] AllPaths = [.. UstarPaths, "g", Path.GetDirectoryName(Path.GetDirectoryName(LongPath))!,
        Path.GetDirectoryName(LongPath)!, LongPath, "g/longlink"];

    public TarSourceTree()
    {
        Root = Path.Combine(Path.GetTempPath(), "chb-tar-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "d"));
        File.WriteAllBytes(Path.Combine(Root, "d/empty"), []);
        File.WriteAllText(Path.Combine(Root, "d/small.txt"), "hello\n");
        File.WriteAllBytes(Path.Combine(Root, "d/b512"), Enumerable.Range(0, 512).Select(i => (byte)i).ToArray());
        var random = new Random(1234);
        var odd = new byte[100_001];
        random.NextBytes(odd);
        File.WriteAllBytes(Path.Combine(Root, "d/odd.bin"), odd);
        File.WriteAllText(Path.Combine(Root, "d/exec.sh"), "#!/bin/sh\necho hi\n");
        Run("chmod", "0750", Path.Combine(Root, "d/exec.sh"));
        File.CreateSymbolicLink(Path.Combine(Root, "d/link"), "small.txt");
        Run("ln", Path.Combine(Root, "d/b512"), Path.Combine(Root, "d/hard"));
        Run("mkfifo", Path.Combine(Root, "d/fifo"));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Root, UstarPath))!);
        File.WriteAllText(Path.Combine(Root, UstarPath), "ustar path\n");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Root, LongPath))!);
        File.WriteAllText(Path.Combine(Root, LongPath), "long path\n");
        File.CreateSymbolicLink(Path.Combine(Root, "g/longlink"), LongLinkTarget);
        Run("touch", "-h", "-d", "2021-03-04 05:06:07.123456789 UTC", Path.Combine(Root, "d/small.txt"));

        HasXattrs = ProcessRunner.IsOnPath("setfattr")
            && ProcessRunner.Run("setfattr", ["-n", "user.test", "-v", "value", Path.Combine(Root, "d/small.txt")]).ExitCode == 0
            && ProcessRunner.Run("setfattr", ["-n", "user.bin", "-v", "0s" + Convert.ToBase64String(BinaryXattr), Path.Combine(Root, "d/small.txt")]).ExitCode == 0;
    }

    /// <summary>The content of a file in the tree.</summary>
    public byte[] Content(string relativePath) => File.ReadAllBytes(Path.Combine(Root, relativePath));

    private static void Run(string program, params string[] arguments)
    {
        var result = ProcessRunner.Run(program, arguments);
        Assert.True(result.ExitCode == 0, $"{program} failed: {result.StdErr}");
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
