using ChunkedBuild.Core.Tar;
using Xunit;

namespace ChunkedBuild.Core.Tests.Tar;

public class TarTimeTests
{
    [Theory]
    [InlineData(1704164645L, 0, "2024-01-02T03:04:05Z")]
    [InlineData(1704164645L, 100, "2024-01-02T03:04:05.0000001Z")]
    [InlineData(1704164645L, 123456789, "2024-01-02T03:04:05.123456789Z")]
    [InlineData(0L, 0, "1970-01-01T00:00:00Z")]
    [InlineData(-1L, 999999999, "1969-12-31T23:59:59.999999999Z")]
    public void Formats_rfc3339_with_exact_nanoseconds(long seconds, int nanos, string text)
    {
        var t = new TarTime(seconds, nanos);
        Assert.Equal(text, t.ToRfc3339());
        Assert.True(TarTime.TryParseRfc3339(text, out var back));
        Assert.Equal(t, back);
    }

    [Fact]
    public void Parses_offsets_as_the_same_instant()
    {
        Assert.True(TarTime.TryParseRfc3339("2024-01-02T04:04:05.5+01:00", out var t));
        Assert.Equal(new TarTime(1704164645, 500_000_000), t);
        Assert.False(TarTime.TryParseRfc3339("2024-01-02 03:04:05Z", out _));
        Assert.False(TarTime.TryParseRfc3339("2024-01-02T03:04:05", out _));
    }

    [Fact]
    public void Estargz_modtime_is_whole_seconds() =>
        Assert.Equal("2024-01-02T03:04:05Z", new TarTime(1704164645, 999_999_999).ToRfc3339Seconds());
}
