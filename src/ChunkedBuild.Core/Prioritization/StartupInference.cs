namespace ChunkedBuild.Core.Prioritization;

/// <summary>The outcome of <see cref="DotnetStartupInference.Infer"/>.</summary>
/// <param name="Paths">The files a start of the app reads, in the order it reads them (normalized image paths); empty when none was inferred.</param>
/// <param name="Reason">Why <paramref name="Paths"/> is empty (for a "no prefetch: &lt;reason&gt;" log line); null when it is not.</param>
/// <param name="AppPath">The entry assembly (or app host) found, when one was.</param>
public sealed record StartupInference(IReadOnlyList<string> Paths, string? Reason, string? AppPath)
{
    /// <summary>A result with no paths and the reason.</summary>
    public static StartupInference None(string reason) => new([], reason, null);
}
