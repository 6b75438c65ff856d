using ChunkedBuild.Core.Conversion.Planning;
using ChunkedBuild.Core.Errors;
using ChunkedBuild.Core.Oci;
using Xunit;

namespace ChunkedBuild.Core.Tests.Conversion.Planning;

/// <summary>The link notation of <c>--link</c> and the network time of a start that <see cref="StartupTimeModel"/> derives from the byte model.</summary>
public sealed class StartupTimeModelTests
{
    private static readonly Platform Amd64 = new() { Os = "linux", Architecture = "amd64" };

    [Theory]
    [InlineData("100mbit,20ms", 100e6, 20)]
    [InlineData("1gbit,5ms", 1e9, 5)]
    [InlineData("500kbit,0.3s", 500e3, 300)]
    [InlineData("2.5Mbit", 2.5e6, 0)]
    [InlineData(" 10mbit , 80ms ", 10e6, 80)]
    public void A_link_reads_as_rate_and_round_trip(string text, double bitsPerSecond, double roundTripMs)
    {
        var link = LinkProfile.Parse(text);

        Assert.Equal(bitsPerSecond, link.BitsPerSecond);
        Assert.Equal(TimeSpan.FromMilliseconds(roundTripMs), link.RoundTrip);
        Assert.Equal(TimeSpan.FromMilliseconds(roundTripMs / 2), link.OneWayDelay);
        Assert.Equal(link, LinkProfile.Parse(link.ToSpec()));
    }

    [Fact]
    public void The_default_link_is_100_mbit_with_20_ms_and_prints_both_ways()
    {
        Assert.Equal("100mbit,20ms", LinkProfile.Default.ToSpec());
        Assert.Equal("100 Mbit/s, 20 ms RTT", LinkProfile.Default.ToString());
        Assert.Equal("500 kbit/s, 300 ms RTT", LinkProfile.Parse("500kbit,300ms").ToString());
        // 12.5 MB cross a 100 Mbit/s link in one second.
        Assert.Equal(TimeSpan.FromSeconds(1), LinkProfile.Default.Serialization(12_500_000));
    }

    [Theory]
    [InlineData("")]
    [InlineData("100")]
    [InlineData("100mb,20ms")]
    [InlineData("0mbit")]
    [InlineData("-5mbit")]
    [InlineData("100mbit,20")]
    [InlineData("100mbit,20ms,1")]
    [InlineData("100mbit,2h")]
    public void A_malformed_link_is_an_option_error_naming_it(string text)
    {
        var e = Assert.Throws<ChunkedBuildException>(() => LinkProfile.Parse(text));

        Assert.Equal(ErrorCodes.InvalidOption, e.Code);
        Assert.Contains($"link '{text}'", e.Message);
    }

    [Fact]
    public void A_full_pull_costs_resolving_the_tag_and_every_layer_byte()
    {
        var manifest = Manifest("original", Whole(30_000_000), Whole(20_000_000));
        var link = LinkProfile.Default;

        // 4 round trips to resolve + 1 for the layer GETs, then 50 MB at 12.5 MB/s.
        Assert.Equal(TimeSpan.FromMilliseconds(5 * 20) + TimeSpan.FromSeconds(4), StartupTimeModel.FullPull(manifest, link));
        Assert.Equal(StartupTimeModel.FullPull(manifest, link), StartupTimeModel.Lazy(manifest, link)); // nothing lazy: a full pull
        Assert.Equal(StartupTimeModel.FullPull(manifest, link), StartupTimeModel.ForVariant(manifest, link));
    }

    [Fact]
    public void A_lazy_pull_costs_setup_the_prefetch_together_and_each_on_demand_read_in_turn()
    {
        var manifest = Manifest("estargz",
            Lazy(size: 30_000_000, prefetch: 5_000_000, onDemand: 250_000, metadata: 100_000, onDemandRanges: 2),
            Lazy(size: 20_000_000, prefetch: 1_150_000, onDemand: 0, metadata: 0, onDemandRanges: 0));
        var link = LinkProfile.Default;

        // 4 (resolve) + 4 (layer setup, in parallel) + 1 (prefetch GETs) + 2 on-demand reads = 11 round trips;
        // 6.25 MB together (prefetch + TOCs) and 0.25 MB on demand at 12.5 MB/s = 0.52 s.
        Assert.Equal(TimeSpan.FromMilliseconds(11 * 20) + TimeSpan.FromSeconds(0.52), StartupTimeModel.Lazy(manifest, link));
        Assert.Equal(StartupTimeModel.Lazy(manifest, link), StartupTimeModel.ForVariant(manifest, link));
        Assert.Equal(TimeSpan.FromMilliseconds(100) + TimeSpan.FromSeconds(4), StartupTimeModel.FullPull(manifest, link));
        // A zstd:chunked manifest is fetched whole before the container starts.
        Assert.Equal(StartupTimeModel.FullPull(manifest, link), StartupTimeModel.ForVariant(manifest with { Variant = "zstd-chunked" }, link));
    }

    private static ManifestStartupCost Manifest(string variant, params LayerStartupCost[] layers) =>
        new(Descriptor(0), Amd64, variant, layers);

    private static LayerStartupCost Whole(long size) => new(Descriptor(size), "gzip", 0, 0, 0, size, 0, 0, 1);

    private static LayerStartupCost Lazy(long size, long prefetch, long onDemand, long metadata, int onDemandRanges) =>
        new(Descriptor(size), "estargz", prefetch, onDemand, metadata, 0, 3, onDemandRanges, 2 + onDemandRanges, onDemandRanges);

    private static Descriptor Descriptor(long size) => new() { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Sha256Of(BitConverter.GetBytes(size)), Size = size };
}
