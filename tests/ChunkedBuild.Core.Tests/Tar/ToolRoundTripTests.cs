using ChunkedBuild.Core.Tar;
using ChunkedBuild.Testing;
using Xunit;

namespace ChunkedBuild.Core.Tests.Tar;

/// <summary>Tars written by GNU tar and bsdtar in every format: parse, compare, and round-trip through tar-split.</summary>
public sealed class ToolRoundTripTests : IDisposable
{
    private readonly TarSourceTree _tree = new();

    public void Dispose() => _tree.Dispose();

    public static TheoryData<string> GnuFormats => ["v7", "ustar", "oldgnu", "gnu", "posix"];

    public static TheoryData<string> BsdFormats => ["v7", "ustar", "gnutar", "pax", "paxr"];

    [Theory]
    [MemberData(nameof(GnuFormats))]
    public void GnuTar(string format)
    {
        if (!ProcessRunner.IsOnPath("tar")) Assert.Skip("GNU tar is not installed");
        var big = format is "gnu" or "oldgnu" or "posix";
        var id = big ? "3000000" : "1000";
        var args = new List<string> { "--format=" + format, "-C", _tree.Root, "-cf", "-", "--no-recursion", "--owner=builder:" + id, "--group=staff:" + id };
        if (format == "posix" && _tree.HasXattrs) args.Add("--xattrs");
        args.AddRange(PathsFor(format));
        var tar = RunToBytes("tar", args);
        Assert.Equal(0, tar.Length % 10240); // GNU tar pads to its 10240-byte record

        var read = TarTestKit.AssertRoundTrip(tar);
        SystemTarOracle.AssertAgrees(tar, read);
        AssertTreeContent(read, format, expectedId: long.Parse(id), expectNsTime: format == "posix", expectXattrs: format == "posix" && _tree.HasXattrs);
        var small = read.Entries.Single(e => e.Info.Name.EndsWith("d/small.txt", StringComparison.Ordinal));
        var mainHeader = small.Raw.RawPrefix.Span[^512..];
        if (format is "gnu" or "oldgnu") Assert.Equal(0x80, mainHeader[108] & 0x80); // uid 3000000 in base-256
        if (format == "posix") Assert.Contains(small.Info.PaxRecords, r => r.Key == "uid");
        Assert.False(read.Synthesized);
        Assert.Equal(1024, read.EndOfArchive.Length - read.Entries[^1].Raw.PaddingLength);
        Assert.True(read.AfterEnd.Length > 0 && read.AfterEnd.All(b => b == 0));
    }

    [Theory]
    [MemberData(nameof(BsdFormats))]
    public void BsdTar(string format)
    {
        if (!ProcessRunner.IsOnPath("bsdtar")) Assert.Skip("bsdtar (libarchive-tools) is not installed");
        var big = format is "gnutar" or "pax" or "paxr";
        var id = big ? "3000000" : "1000";
        var args = new List<string> { "--format", format == "paxr" ? "pax" : format, "-C", _tree.Root, "-cf", "-", "-n",
            "--uid", id, "--gid", id, "--uname", "builder", "--gname", "staff" };
        if (format == "paxr") args.AddRange(["--options", "pax:xattrheader=SCHILY"]);
        args.AddRange(PathsFor(format));
        var tar = RunToBytes("bsdtar", args);

        var read = TarTestKit.AssertRoundTrip(tar);
        SystemTarOracle.AssertAgrees(tar, read);
        AssertTreeContent(read, format, expectedId: long.Parse(id), expectNsTime: format is "pax" or "paxr",
            expectXattrs: format == "paxr" && _tree.HasXattrs);
    }

    private static string[] PathsFor(string format) => format switch
    {
        "v7" => TarSourceTree.V7Paths,
        "ustar" => TarSourceTree.UstarPaths,
        _ => TarSourceTree.AllPaths,
    };

    private void AssertTreeContent(ReadTar read, string format, long expectedId, bool expectNsTime, bool expectXattrs)
    {
        var byName = read.Entries.ToDictionary(e => e.Info.Name.TrimStart('.', '/').TrimEnd('/'));
        foreach (var path in PathsFor(format)) Assert.Contains(path, byName.Keys);
        foreach (var path in new[] { "d/empty", "d/small.txt", "d/b512", "d/odd.bin", "d/exec.sh" })
        {
            var entry = byName[path];
            Assert.True(entry.Info.IsRegularFile);
            Assert.Equal(_tree.Content(path), entry.Payload);
            Assert.Equal(expectedId, entry.Info.Uid);
            Assert.Equal(expectedId, entry.Info.Gid);
            if (format != "v7")
            {
                Assert.Equal("builder", entry.Info.UserName);
                Assert.Equal("staff", entry.Info.GroupName);
            }
        }
        Assert.Equal(0b111_101_000, byName["d/exec.sh"].Info.Mode & 0xFFF); // 0750
        Assert.Equal(TarTypeFlag.Symlink, byName["d/link"].Info.TypeFlag);
        Assert.Equal("small.txt", byName["d/link"].Info.LinkName);
        Assert.Equal(TarTypeFlag.HardLink, byName["d/hard"].Info.TypeFlag);
        Assert.Equal(0, byName["d/hard"].Raw.PayloadLength);
        if (format != "v7")
        {
            Assert.Equal(TarTypeFlag.Fifo, byName["d/fifo"].Info.TypeFlag);
            Assert.Equal(TarTypeFlag.Directory, byName["d"].Info.TypeFlag);
            Assert.Equal("ustar path\n"u8.ToArray(), byName[TarSourceTree.UstarPath].Payload);
        }
        if (format is not ("v7" or "ustar"))
        {
            Assert.Equal("long path\n"u8.ToArray(), byName[TarSourceTree.LongPath].Payload);
            Assert.Equal(TarSourceTree.LongLinkTarget, byName["g/longlink"].Info.LinkName);
        }
        var small = byName["d/small.txt"].Info;
        Assert.Equal(TarSourceTree.SmallMTime.Seconds, small.ModTime.Seconds);
        if (expectNsTime) Assert.Equal(TarSourceTree.SmallMTime, small.ModTime);
        if (expectXattrs)
        {
            var xattrs = small.Xattrs.ToDictionary(x => x.Key, x => x.Value);
            Assert.Equal("value"u8.ToArray(), xattrs["user.test"]);
            Assert.Equal(TarSourceTree.BinaryXattr, xattrs["user.bin"]);
        }
    }

    private static byte[] RunToBytes(string program, IEnumerable<string> arguments)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(psi)!;
        var output = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed: {stderr.Result}");
        return output.ToArray();
    }
}
