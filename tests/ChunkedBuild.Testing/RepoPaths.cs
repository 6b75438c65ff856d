namespace ChunkedBuild.Testing;

/// <summary>Locations tests need inside the repository.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder holding ChunkedBuild.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The golden vectors made by the real tools (<c>tests/vectors</c>, provenance in its README).</summary>
    public static string Vectors => Path.Combine(Root, "tests", "vectors");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChunkedBuild.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("ChunkedBuild.sln not found above " + AppContext.BaseDirectory);
    }
}
