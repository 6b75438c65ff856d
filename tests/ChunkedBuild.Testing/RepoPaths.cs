namespace ChunkedBuild.Testing;

/// <summary>Locations tests need: the repository root and the <c>shared/</c> folder beside it.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder holding ChunkedBuild.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The shared material (<c>../shared</c> from the root; override with CHUNKEDBUILD_SHARED).</summary>
    public static string Shared =>
        Environment.GetEnvironmentVariable("CHUNKEDBUILD_SHARED") is { Length: > 0 } s ? s : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>The golden vectors folder.</summary>
    public static string Vectors => Path.Combine(Shared, "vectors");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChunkedBuild.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("ChunkedBuild.sln not found above " + AppContext.BaseDirectory);
    }
}
