using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>The image config values that decide what a container runs (the inputs of <see cref="DotnetStartupInference"/>).</summary>
public sealed record ImageRunSettings
{
    /// <summary><c>config.Entrypoint</c>.</summary>
    public IReadOnlyList<string> Entrypoint { get; init; } = [];

    /// <summary><c>config.Cmd</c>.</summary>
    public IReadOnlyList<string> Cmd { get; init; } = [];

    /// <summary><c>config.WorkingDir</c>; null or empty means <c>/</c>.</summary>
    public string? WorkingDir { get; init; }

    /// <summary><c>config.Env</c> as <c>NAME=value</c> strings.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>The image platform (picks the runtime identifier for RID-specific assets), if known.</summary>
    public Platform? Platform { get; init; }

    /// <summary>The settings of an image config.</summary>
    public static ImageRunSettings FromConfig(ImageConfig config) => new()
    {
        Entrypoint = config.Entrypoint,
        Cmd = config.Cmd,
        WorkingDir = config.WorkingDir,
        Env = config.Env,
        Platform = config.Platform,
    };

    /// <summary>The command line the container runs: Entrypoint followed by Cmd.</summary>
    internal IReadOnlyList<string> CommandLine => [.. Entrypoint, .. Cmd];

    /// <summary>The value of environment variable <paramref name="name"/> (last definition wins), or null.</summary>
    internal string? GetEnv(string name)
    {
        string? value = null;
        foreach (var item in Env)
        {
            var eq = item.IndexOf('=');
            if (eq > 0 && string.Equals(item[..eq], name, StringComparison.Ordinal)) value = item[(eq + 1)..];
        }
        return value;
    }
}
