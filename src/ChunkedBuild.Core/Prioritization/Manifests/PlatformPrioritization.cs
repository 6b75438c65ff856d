namespace ChunkedBuild.Core.Prioritization.Manifests;

/// <summary>The per-platform part of a <see cref="PrioritizationManifest"/> (the value under a <c>platforms</c> key).</summary>
/// <param name="Files">Include patterns of this platform, in priority order.</param>
/// <param name="Exclude">Exclude patterns of this platform.</param>
/// <param name="Inherit">
/// True (the default): the platform's files come after the manifest's top-level files and its excludes are added to
/// the top-level ones. False: the platform's lists replace the top-level lists.
/// </param>
public sealed record PlatformPrioritization(IReadOnlyList<PathPattern> Files, IReadOnlyList<PathPattern> Exclude, bool Inherit);
