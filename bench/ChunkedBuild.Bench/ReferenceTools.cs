namespace ChunkedBuild.Bench;

/// <summary>Finds the reference programs: the zstd CLI and the oracle's reference converters (tests/oracle).</summary>
internal static class ReferenceTools
{
    /// <summary>The zstd CLI on PATH, or null.</summary>
    public static string? Zstd() => OnPath("zstd");

    /// <summary>
    /// The oracle (chunkedoracle): CHUNKEDBUILD_ORACLE, else the build of the current sources in artifacts/oracle (made by
    /// tests/oracle/build.sh when missing). Returns the path, or null with the reason.
    /// </summary>
    public static (string? Path, string? Reason) RefCheck()
    {
        try
        {
            return (ChunkedBuild.Testing.RefCheck.PathToBinary, null);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            return (null, "oracle not built: " + e.Message.Split('\n')[0]);
        }
    }

    /// <summary>A program on PATH, or null.</summary>
    public static string? Find(string program) => OnPath(program);

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
