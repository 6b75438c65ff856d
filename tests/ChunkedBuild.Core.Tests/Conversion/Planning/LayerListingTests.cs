using System.Text;
using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion.Planning;

/// <summary>Which layer files <see cref="LayerListing"/> keeps for startup inference (configs, assemblies, ELF libraries and hosts).</summary>
public class LayerListingTests
{
    [Theory]
    [InlineData("etc/ld.so.conf", 30, 0b110_100_100, true)]                         // any small file
    [InlineData("app/Big.dll", 40L << 20, 0b110_100_100, true)]
    [InlineData("usr/lib/x86_64-linux-gnu/libc.so.6", 1_926_232, 0b111_101_101, true)]
    [InlineData("./usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30", 2_190_440, 0b110_100_100, true)]
    [InlineData("usr/lib/x86_64-linux-gnu/libicudata.so.72.1", 31_262_256, 0b110_100_100, true)]
    [InlineData("usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.1/libcoreclr.so", 7_110_952, 0b111_101_101, true)]
    [InlineData("usr/lib/x86_64-linux-gnu/libhuge.so.1", 65L << 20, 0b111_101_101, false)] // beyond 64 MiB
    [InlineData("usr/share/dotnet/dotnet", 71_808, 0b111_101_101, true)]                // the muxer: executable
    [InlineData("app/MyApp", 78_256, 0b111_100_100, true)]                              // an app host
    [InlineData("usr/bin/big-tool", 5 << 20, 0b111_101_101, false)]                     // large executables of the OS are not .NET hosts
    [InlineData("./usr/local/bin/node", 90 << 20, 0b111_101_101, false)]
    [InlineData("/bin/busybox", 1 << 20, 0b111_101_101, false)]
    [InlineData("app/MyApp", 70 << 20, 0b111_100_100, true)]                            // a self-contained single-file app
    [InlineData("./opt/Company.Service/Company.Service", 12 << 20, 0b111_101_101, true)]
    [InlineData("app/Huge", 257L << 20, 0b111_101_101, false)]                           // beyond 256 MiB
    [InlineData("app/data.bin", 5 << 20, 0b110_100_100, false)]                         // not executable
    [InlineData("usr/share/doc/x/changelog.so.gz", 100_000, 0b110_100_100, false)]       // ".so" inside a name is not a library
    [InlineData("usr/share/data.bin", 100_000, 0b110_100_100, false)]
    public void Spools_what_startup_inference_reads(string name, long size, int mode, bool wanted) =>
        Assert.Equal(wanted, LayerListing.Wanted(new TarEntryInfo
        {
            Name = name, NameBytes = Encoding.UTF8.GetBytes(name), NameIsUtf8 = true, TypeFlag = TarTypeFlag.Regular, Size = size, Mode = mode,
        }));
}
