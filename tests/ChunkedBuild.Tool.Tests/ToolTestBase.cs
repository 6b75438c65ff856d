namespace ChunkedBuild.Tool.Tests;

/// <summary>A fresh temporary folder per test, deleted afterwards.</summary>
public abstract class ToolTestBase : IDisposable
{
    /// <summary>The test's folder.</summary>
    protected DirectoryInfo Folder { get; } = Directory.CreateTempSubdirectory("chb-cli-");

    /// <summary>A path inside the test's folder.</summary>
    protected string PathOf(string name) => Path.Combine(Folder.FullName, name);

    /// <summary>Names of every file in the folder (hidden temporary files included), sorted.</summary>
    protected string[] FilesInFolder() =>
        [.. Folder.GetFiles("*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = true }).Select(f => f.Name).Order(StringComparer.Ordinal)];

    /// <inheritdoc />
    public void Dispose()
    {
        Folder.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }
}
