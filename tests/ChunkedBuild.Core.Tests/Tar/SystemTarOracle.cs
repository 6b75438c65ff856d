using System.Formats.Tar;
using System.Text;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Tar;

/// <summary>Compares what <see cref="RawTarReader"/> parsed with an independent parser, System.Formats.Tar.</summary>
internal static class SystemTarOracle
{
    public static void AssertAgrees(byte[] tar, ReadTar read)
    {
        using var reader = new TarReader(new MemoryStream(tar));
        var index = 0;
        while (reader.GetNextEntry(copyData: true) is { } expected)
        {
            Assert.True(index < read.Entries.Count, $"System.Formats.Tar has more entries than {read.Entries.Count}");
            var actual = read.Entries[index++];
            var info = actual.Info;
            Assert.Equal(ExpectedName(expected, actual), info.Name);
            Assert.Equal((byte)expected.EntryType, info.TypeFlag);
            if (expected.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink) Assert.Equal(expected.LinkName, info.LinkName);
            Assert.Equal((long)expected.Mode, info.Mode & 0xFFF);
            Assert.Equal(expected.Uid, info.Uid);
            Assert.Equal(expected.Gid, info.Gid);
            Assert.Equal(expected.ModificationTime.ToUnixTimeSeconds(), info.ModTime.Seconds);
            Assert.Equal(expected.Length, info.Size);
            if (expected is PosixTarEntry posix)
            {
                Assert.Equal(posix.UserName, info.UserName);
                Assert.Equal(posix.GroupName, info.GroupName);
                Assert.Equal(posix.DeviceMajor, info.DevMajor);
                Assert.Equal(posix.DeviceMinor, info.DevMinor);
            }
            if (expected is PaxTarEntry pax)
            {
                var xattrs = pax.ExtendedAttributes.Where(kv => kv.Key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key["SCHILY.xattr.".Length..], kv => kv.Value);
                Assert.Equal(xattrs.Count, info.Xattrs.Count);
                foreach (var xattr in info.Xattrs) Assert.Equal(xattrs[xattr.Key], Encoding.UTF8.GetString(xattr.Value));
            }
            if (expected.DataStream is { } data)
            {
                var bytes = new MemoryStream();
                data.CopyTo(bytes);
                Assert.Equal(bytes.ToArray(), actual.Payload);
            }
            else
            {
                Assert.Empty(actual.Payload);
            }
        }
        Assert.Equal(read.Entries.Count, index);
    }

    /// <summary>
    /// System.Formats.Tar ignores the ustar prefix field of PAX-format entries without a PAX path record (bsdtar writes
    /// such headers); Go and POSIX join prefix and name, so the oracle's name is completed here.
    /// </summary>
    private static string ExpectedName(TarEntry expected, ReadEntry actual)
    {
        if (expected is not PaxTarEntry pax || pax.ExtendedAttributes.ContainsKey("path")) return expected.Name;
        var header = actual.Raw.RawPrefix.Span[^512..];
        var prefix = header[345..500];
        var nul = prefix.IndexOf((byte)0);
        if (nul >= 0) prefix = prefix[..nul];
        return prefix.IsEmpty ? expected.Name : Encoding.UTF8.GetString(prefix) + "/" + expected.Name;
    }
}
