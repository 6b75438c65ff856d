using System.Text;
using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Tar;

public class Crc64IsoTests
{
    [Fact]
    public void CheckValueOf123456789()
    {
        var crc = Crc64Iso.Compute("123456789"u8);
        Assert.Equal(0xB90956C775A41001UL, crc);
        Assert.Equal("uQlWx3WkEAE=", Convert.ToBase64String(Crc64Iso.ToBigEndianBytes(crc)));
    }

    [Fact]
    public void CheckValueOfHelloNewline() =>
        Assert.Equal("YUw+7uLYEAA=", Convert.ToBase64String(Crc64Iso.ToBigEndianBytes(Crc64Iso.Compute(Encoding.ASCII.GetBytes("hello\n")))));

    [Fact]
    public void EmptyInputIsZero() => Assert.Equal(0UL, Crc64Iso.Compute([]));
}
