using ChunkedBuild.Core.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Oci;

public class DigestTests
{
    [Fact]
    public void Digest_parses_only_canonical_sha256()
    {
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Digest.EmptySha256.ToString());
        Assert.True(Digest.TryParse(Digest.EmptySha256.ToString(), out var d));
        Assert.Equal(Digest.EmptySha256, d);
        Assert.False(Digest.TryParse("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", out _));
        Assert.False(Digest.TryParse("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", out _));
        Assert.False(Digest.TryParse("sha512:e3b0", out _));
        Assert.Throws<FormatException>(() => Digest.Parse("sha256:00"));
    }
}
