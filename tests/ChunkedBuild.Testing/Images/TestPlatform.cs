namespace ChunkedBuild.Testing.Images;

/// <summary>A linux platform of a test base image.</summary>
/// <param name="Architecture">GOARCH spelling: <c>amd64</c>, <c>arm64</c>.</param>
/// <param name="Variant">The variant (<c>v8</c> for arm64), or null.</param>
public sealed record TestPlatform(string Architecture, string? Variant)
{
    /// <summary>linux/amd64.</summary>
    public static TestPlatform Amd64 { get; } = new("amd64", null);

    /// <summary>linux/arm64/v8.</summary>
    public static TestPlatform Arm64 { get; } = new("arm64", "v8");
}
