namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>The outcome of <see cref="DotnetStartupInference.Infer"/>.</summary>
/// <param name="Paths">The files a start of the app reads, in the order it reads them (normalized image paths); empty when none was inferred.</param>
/// <param name="Reason">Why <paramref name="Paths"/> is empty (for a "no prefetch: &lt;reason&gt;" log line); null when it is not.</param>
/// <param name="AppPath">The entry assembly (or app host) found, when one was.</param>
public sealed record StartupInference(IReadOnlyList<string> Paths, string? Reason, string? AppPath)
{
    /// <summary>
    /// True when inference gave up because a file of the app is malformed (e.g. a runtimeconfig that is not a JSON object): the image is
    /// still converted, without a prefetch list, and the reason is worth a warning rather than an info line.
    /// </summary>
    public bool Malformed { get; init; }

    /// <summary>A result with no paths and the reason.</summary>
    public static StartupInference None(string reason) => new([], reason, null);

    /// <summary>A result with no paths because <paramref name="file"/> of the app is malformed (<see cref="Malformed"/>).</summary>
    public static StartupInference MalformedFile(string file, string problem) =>
        new([], $"'{file}' is not a valid runtimeconfig ({problem}), so startup inference gives up", null) { Malformed = true };
}
