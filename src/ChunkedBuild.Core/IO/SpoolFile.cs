namespace ChunkedBuild.Core.IO;

/// <summary>
/// Anonymous temporary files for spooling: on Unix the name is unlinked as soon as the file is open, so the bytes live only as long as
/// the handle and nothing is left behind however the process ends (<c>kill -9</c> included); on Windows the file is opened
/// delete-on-close, which the kernel honours when the process dies.
/// </summary>
public static class SpoolFile
{
    /// <summary>Creates a read-write spool file in <paramref name="folder"/>; <paramref name="purpose"/> names it in errors.</summary>
    /// <exception cref="Errors.ChunkedBuildException">CHB9002 when the file cannot be created.</exception>
    public static FileStream Create(string folder, string purpose)
    {
        var path = Path.Combine(folder, $"chunkedbuild-spool-{Guid.NewGuid():N}.tmp");
        try
        {
            var options = OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None;
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, options);
            if (!OperatingSystem.IsWindows()) File.Delete(path);
            return file;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Errors.ChunkedBuildException(Errors.ErrorCodes.IoError, $"cannot create the temporary file '{path}' for {purpose}: {e.Message}", innerException: e);
        }
    }
}
