using System.Globalization;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Conversion.Planning;

/// <summary>
/// A network link between a puller and its registry: the bottleneck rate (bits per second, each direction) and the round-trip time.
/// Written as <c>RATE[,RTT]</c>: <c>100mbit,20ms</c>, <c>1gbit,5ms</c>, <c>500kbit,0.3s</c>; the rate units are <c>kbit</c>,
/// <c>mbit</c>, <c>gbit</c> (10^3, 10^6, 10^9 bits per second), the RTT units <c>ms</c> and <c>s</c>; RTT defaults to 0.
/// </summary>
/// <param name="BitsPerSecond">The rate, above 0.</param>
/// <param name="RoundTrip">The round-trip time, 0 or more (each direction delays by half of it).</param>
public sealed record LinkProfile(double BitsPerSecond, TimeSpan RoundTrip)
{
    /// <summary>100 Mbit/s with 20 ms RTT: the link the start-up figures are stated at.</summary>
    public static LinkProfile Default { get; } = new(100e6, TimeSpan.FromMilliseconds(20));

    /// <summary>The delay of one direction: half the round trip.</summary>
    public TimeSpan OneWayDelay => RoundTrip / 2;

    /// <summary>How long <paramref name="bytes"/> take to cross the link at its rate (no delay).</summary>
    public TimeSpan Serialization(long bytes) => TimeSpan.FromSeconds(bytes * 8 / BitsPerSecond);

    /// <summary>Parses <c>RATE[,RTT]</c> (see the type); throws <see cref="ChunkedBuildException"/> (CHB9001) naming what is wrong.</summary>
    public static LinkProfile Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2 || parts[0].Length == 0)
            throw Invalid(text, "expected RATE[,RTT], e.g. 100mbit,20ms");
        var rate = ParseRate(text, parts[0]);
        var rtt = parts.Length == 2 ? ParseDuration(text, parts[1]) : TimeSpan.Zero;
        return new LinkProfile(rate, rtt);
    }

    /// <summary>The profile as <see cref="Parse"/> reads it back, e.g. <c>100mbit,20ms</c>.</summary>
    public string ToSpec()
    {
        var (value, unit) = Rate();
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.###}{unit}bit,{RoundTrip.TotalMilliseconds:0.###}ms");
    }

    /// <summary>The profile for people, e.g. <c>100 Mbit/s, 20 ms RTT</c>.</summary>
    public override string ToString()
    {
        var (value, unit) = Rate();
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.###} {char.ToUpperInvariant(unit[0])}bit/s, {RoundTrip.TotalMilliseconds:0.###} ms RTT").Replace("Kbit", "kbit", StringComparison.Ordinal);
    }

    /// <summary>The rate in its largest whole unit: (100, "m") for 100 Mbit/s.</summary>
    private (double Value, string Unit) Rate() =>
        BitsPerSecond >= 1e9 ? (BitsPerSecond / 1e9, "g") : BitsPerSecond >= 1e6 ? (BitsPerSecond / 1e6, "m") : (BitsPerSecond / 1e3, "k");

    private static double ParseRate(string text, string rate)
    {
        var lower = rate.ToLowerInvariant();
        var (factor, number) = lower.EndsWith("gbit", StringComparison.Ordinal) ? (1e9, lower[..^4])
            : lower.EndsWith("mbit", StringComparison.Ordinal) ? (1e6, lower[..^4])
            : lower.EndsWith("kbit", StringComparison.Ordinal) ? (1e3, lower[..^4])
            : throw Invalid(text, $"the rate '{rate}' needs a unit: kbit, mbit or gbit");
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0 || double.IsInfinity(value * factor))
            throw Invalid(text, $"the rate '{rate}' is not a positive number");
        return value * factor;
    }

    private static TimeSpan ParseDuration(string text, string duration)
    {
        var lower = duration.ToLowerInvariant();
        var (factor, number) = lower.EndsWith("ms", StringComparison.Ordinal) ? (1.0, lower[..^2])
            : lower.EndsWith('s') ? (1000.0, lower[..^1])
            : throw Invalid(text, $"the round-trip time '{duration}' needs a unit: ms or s");
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value * factor > TimeSpan.FromHours(1).TotalMilliseconds)
            throw Invalid(text, $"the round-trip time '{duration}' is not a number of at most an hour");
        return TimeSpan.FromMilliseconds(value * factor);
    }

    private static ChunkedBuildException Invalid(string text, string why) =>
        new(ErrorCodes.InvalidOption, $"link '{text}': {why}");
}
