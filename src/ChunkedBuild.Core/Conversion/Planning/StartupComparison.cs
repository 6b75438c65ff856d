using System.Globalization;
using ChunkedBuild.Core.Formats;

namespace ChunkedBuild.Core.Conversion.Planning;

/// <summary>
/// One platform's estimated network time to start, pulled whole against its eStargz manifest pulled lazily (<see cref="StartupTimeModel"/>):
/// the one comparison the tool's output and the job summary print.
/// </summary>
/// <param name="FullPull">The original manifest pulled whole (the eStargz manifest pulled whole when the original was not kept).</param>
/// <param name="Lazy">The eStargz manifest pulled lazily.</param>
public sealed record StartupComparison(TimeSpan FullPull, TimeSpan Lazy)
{
    /// <summary>How many times sooner the lazy pull lets the app start (full ÷ lazy).</summary>
    public double Speedup => FullPull / Lazy;

    /// <summary>The comparison for <paramref name="platform"/> at <paramref name="link"/>; null when it has no eStargz manifest.</summary>
    public static StartupComparison? Of(PlatformStartupCost platform, LinkProfile link)
    {
        if (platform.Manifests.FirstOrDefault(m => m.Variant == LayerFormats.EStargz.Name) is not { } lazy) return null;
        var whole = platform.Manifests.FirstOrDefault(m => m.Variant == LayerVariant.Original.Name()) ?? lazy;
        return new StartupComparison(StartupTimeModel.FullPull(whole, link), StartupTimeModel.Lazy(lazy, link));
    }

    /// <summary>"full pull 6.9 s, eStargz lazily 1.8 s (3.8× sooner)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"full pull {FormatSeconds(FullPull)}, eStargz lazily {FormatSeconds(Lazy)} ({Speedup:F1}× sooner)");

    /// <summary>Seconds as every report prints them: two decimals under 10 s, one above (<c>6.93 s</c>, <c>15.4 s</c>).</summary>
    public static string FormatSeconds(TimeSpan time) =>
        time.TotalSeconds.ToString(time.TotalSeconds < 10 ? "F2" : "F1", CultureInfo.InvariantCulture) + " s";
}
