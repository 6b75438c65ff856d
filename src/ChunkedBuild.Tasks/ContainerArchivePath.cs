namespace ChunkedBuild.Tasks;

/// <summary>Where the SDK's container step writes its archive for a given <c>ContainerArchiveOutputPath</c> (docs/sdk-containers.md §1.1).</summary>
public static class ContainerArchivePath
{
    /// <summary>
    /// Resolves <paramref name="archiveOutputPath"/> against <paramref name="projectDirectory"/> as the SDK does: a path ending in a
    /// separator, naming an existing folder or without a file extension is a folder, and the archive is
    /// <c>&lt;folder&gt;/&lt;repository&gt;.tar.gz</c> (an uncompressed tar despite the name); anything else is the file itself.
    /// </summary>
    public static string Resolve(string archiveOutputPath, string repository, string projectDirectory)
    {
        var full = Path.GetFullPath(archiveOutputPath, projectDirectory);
        var isFolder = Path.EndsInDirectorySeparator(archiveOutputPath) || Directory.Exists(full) || !Path.HasExtension(full);
        return isFolder ? Path.Combine(full, repository + ".tar.gz") : full;
    }
}
